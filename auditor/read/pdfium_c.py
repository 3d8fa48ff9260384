"""The pdfium functions the reader calls, declared with ctypes on the library pypdfium2 ships.

pypdfium2's own bindings (the package pypdfium2_raw, generated from pdfium's public headers) declare every one of
pdfium's functions when imported, about 600 of them: some 30 ms of every run, while loading the library itself
takes one. The reader calls 28; their declarations here are copied from those generated bindings. The library is
the one pypdfium2_raw carries (loading the same file twice gives the same library, so pdfium's state is shared
with pypdfium2 when page images are rendered through it). When that file is not where pypdfium2's wheels put it
(a build against a system pdfium, another layout), :func:`load` returns None and the reader uses pypdfium2_raw.
"""
from __future__ import annotations

import ctypes
import importlib.util
import os
import sys
from ctypes import POINTER, Structure, c_char, c_float, c_int, c_size_t, c_uint, c_ulong, c_void_p
from types import SimpleNamespace
from typing import Any

# opaque handles (FPDF_DOCUMENT, FPDF_PAGE, FPDF_PAGEOBJECT, FPDF_TEXTPAGE, FPDF_PATHSEGMENT): void pointers
HANDLE = c_void_p
FPDF_BOOL = c_int
FPDF_BYTESTRING = POINTER(c_char)


class FS_MATRIX(Structure):
    _fields_ = (("a", c_float), ("b", c_float), ("c", c_float), ("d", c_float), ("e", c_float), ("f", c_float))


class FS_RECTF(Structure):
    _fields_ = (("left", c_float), ("top", c_float), ("right", c_float), ("bottom", c_float))


class FPDF_LIBRARY_CONFIG(Structure):
    _fields_ = (("version", c_int), ("m_pUserFontPaths", POINTER(POINTER(c_char))), ("m_pIsolate", c_void_p),
                ("m_v8EmbedderSlot", c_uint), ("m_pPlatform", c_void_p), ("m_RendererType", c_int),
                ("m_FontLibraryType", c_int), ("m_BrotliEnabled", FPDF_BOOL), ("m_IsolatePerDocument", FPDF_BOOL))


FUNCTIONS: dict[str, tuple[tuple[Any, ...], Any]] = {
    "FPDF_InitLibraryWithConfig": ((POINTER(FPDF_LIBRARY_CONFIG),), None),
    "FPDF_LoadMemDocument64": ((c_void_p, c_size_t, FPDF_BYTESTRING), HANDLE),
    "FPDF_GetPageCount": ((HANDLE,), c_int),
    "FPDF_GetLastError": ((), c_ulong),
    "FPDF_CloseDocument": ((HANDLE,), None),
    "FPDF_GetMetaText": ((HANDLE, FPDF_BYTESTRING, c_void_p, c_ulong), c_ulong),
    "FPDF_LoadPage": ((HANDLE, c_int), HANDLE),
    "FPDF_ClosePage": ((HANDLE,), None),
    "FPDF_GetPageBoundingBox": ((HANDLE, POINTER(FS_RECTF)), FPDF_BOOL),
    "FPDFPage_CountObjects": ((HANDLE,), c_int),
    "FPDFPage_GetObject": ((HANDLE, c_int), HANDLE),
    "FPDFFormObj_CountObjects": ((HANDLE,), c_int),
    "FPDFFormObj_GetObject": ((HANDLE, c_ulong), HANDLE),
    "FPDFPageObj_GetType": ((HANDLE,), c_int),
    "FPDFPageObj_GetMatrix": ((HANDLE, POINTER(FS_MATRIX)), FPDF_BOOL),
    "FPDFPath_CountSegments": ((HANDLE,), c_int),
    "FPDFPath_GetPathSegment": ((HANDLE, c_int), HANDLE),
    "FPDFPathSegment_GetPoint": ((HANDLE, POINTER(c_float), POINTER(c_float)), FPDF_BOOL),
    "FPDFPathSegment_GetType": ((HANDLE,), c_int),
    "FPDFPathSegment_GetClose": ((HANDLE,), FPDF_BOOL),
    "FPDFText_LoadPage": ((HANDLE,), HANDLE),
    "FPDFText_ClosePage": ((HANDLE,), None),
    "FPDFText_CountChars": ((HANDLE,), c_int),
    "FPDFText_GetUnicode": ((HANDLE, c_int), c_uint),
    "FPDFText_IsGenerated": ((HANDLE, c_int), c_int),
    "FPDFText_GetLooseCharBox": ((HANDLE, c_int, POINTER(FS_RECTF)), FPDF_BOOL),
    "FPDFText_GetTextObject": ((HANDLE, c_int), HANDLE),
    "FPDFTextObj_GetTextRenderMode": ((HANDLE,), c_int),
}

CONSTANTS = {"FPDF_ERR_PASSWORD": 4, "FPDF_ERR_SECURITY": 5, "FPDF_PAGEOBJ_PATH": 2, "FPDF_PAGEOBJ_IMAGE": 3,
             "FPDF_PAGEOBJ_FORM": 5, "FPDF_SEGMENT_LINETO": 0, "FPDF_SEGMENT_MOVETO": 2,
             "FPDF_TEXTRENDERMODE_INVISIBLE": 3}


def library_path() -> str | None:
    """The pdfium library inside the installed pypdfium2_raw package (found without importing it)."""
    try:
        spec = importlib.util.find_spec("pypdfium2_raw")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    if sys.platform.startswith(("win32", "cygwin", "msys")):
        name = "pdfium.dll"
    elif sys.platform.startswith(("darwin", "ios")):
        name = "libpdfium.dylib"
    else:
        name = "libpdfium.so"
    for folder in spec.submodule_search_locations:
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            return path
    return None


def load() -> Any:
    """The functions, structures and constants above as one namespace (like pypdfium2_raw's), or None when the
    library or one of the functions is not there."""
    path = library_path()
    if path is None:
        return None
    try:
        lib = ctypes.CDLL(path)
        ns: dict[str, Any] = dict(CONSTANTS, FS_MATRIX=FS_MATRIX, FS_RECTF=FS_RECTF,
                                  FPDF_LIBRARY_CONFIG=FPDF_LIBRARY_CONFIG)
        for name, (argtypes, restype) in FUNCTIONS.items():
            fn = getattr(lib, name)
            fn.argtypes, fn.restype = argtypes, restype
            ns[name] = fn
    except (OSError, AttributeError):
        return None
    return SimpleNamespace(**ns)
