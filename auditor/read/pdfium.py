"""The pdfium page source: every page's characters with their boxes and the straight segments of its paths, read
through pypdfium2 (C, a few ms a page); page images for OCR and for reports; what the bytes say when pdfium
refuses a file.
"""
from __future__ import annotations

import ctypes
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..i18n import Msg, T
from .document import Char, Edge, PdfError

# filters pdfium and pdfminer do not decode: a file whose streams use one cannot be read by either
UNSUPPORTED_FILTERS = ("BrotliDecode",)


def unsupported_filter(data: bytes) -> str | None:
    """Why a file pdfium refused cannot be read, when the bytes say so: the name of a stream filter no reader
    here decodes."""
    import re

    for name in UNSUPPORTED_FILTERS:
        if re.search(rb"/" + name.encode() + rb"(?![A-Za-z0-9])", data):
            return name
    return None


def encryption_summary(data: bytes) -> str | Msg | None:
    """The encryption dictionary's handler, revision and crypt method, read from the bytes (`/Filter /Standard,
    /V 4, /R 4, /CFM /AESV2`); None when the file declares no /Encrypt."""
    import re

    m = re.search(rb"/Encrypt\s+(\d+)\s+(\d+)\s+R", data)
    body = None
    if m:
        obj = re.search(rb"(?<!\d)" + m.group(1) + rb"\s+" + m.group(2) + rb"\s+obj\s*<<(.*?)>>\s*endobj", data, re.S)
        body = obj.group(1) if obj else None
    else:
        inline = re.search(rb"/Encrypt\s*<<(.*?)>>", data, re.S)
        body = inline.group(1) if inline else None
        if inline is None:
            return None
    if body is None:
        return T("error.encryption-dictionary-missing")
    parts = []
    for key in (b"Filter", b"SubFilter", b"V", b"R", b"Length", b"CFM"):
        v = re.search(rb"/" + key + rb"\s*(/[A-Za-z0-9.]+|\d+)", body)
        if v:
            parts.append(f"/{key.decode()} {v.group(1).decode('latin-1')}")
    return ", ".join(parts) or T("error.encryption-dictionary-no-filter")


_RAW: Any = None


def raw_pdfium() -> Any:
    """pdfium's C functions, the library initialized (once per process).

    They are declared by :mod:`.pdfium_c` on the library pypdfium2 ships, else taken from pypdfium2_raw (the ctypes
    bindings pypdfium2 is built on, which declare all of pdfium's functions: 30 ms). Importing pypdfium2 itself
    would load its helper layer as well (logging, argparse, object tracking and the rendering helpers): another
    35 ms of every run, for nothing the reader does; page images (OCR, reports) still use it. pdfium is initialized with the
    configuration pypdfium2 uses; pdfium ignores a second initialization, so either may come first."""
    global _RAW
    if _RAW is None:
        from . import pdfium_c

        raw: Any = pdfium_c.load()  # the few functions the reader calls (see auditor.read.pdfium_c)
        if raw is None:
            try:
                import pypdfium2_raw

                raw = pypdfium2_raw
            except ImportError:     # a pypdfium2 without the separate bindings package: its own (initialized)
                import pypdfium2.raw

                _RAW = pypdfium2.raw
                return _RAW
        config = raw.FPDF_LIBRARY_CONFIG(version=2, m_pUserFontPaths=None, m_pIsolate=None, m_v8EmbedderSlot=0)
        raw.FPDF_InitLibraryWithConfig(config)
        _RAW = raw
    return _RAW


# pdfium's load errors in words, as pypdfium2 words them (its PdfiumError's message is read by the reader's callers)
LOAD_ERRORS = {0: "Success", 1: "Unknown error", 2: "File access error", 3: "Data format error",
               4: "Incorrect password error", 5: "Unsupported security scheme error",
               6: "Page not found or content error"}
METADATA_KEYS = ("Title", "Author", "Subject", "Keywords", "Creator", "Producer", "CreationDate", "ModDate")


class PdfiumError(Exception):
    """pdfium refused the file; `err_code` is its FPDF_ERR_* code."""

    def __init__(self, message: str, err_code: int | None = None):
        super().__init__(message)
        self.err_code = err_code


class PdfiumDocument:
    """A document open in pdfium (from the file's bytes, which it reads in place and which are kept with it)."""

    def __init__(self, data: bytes, password: str | None = None):
        raw = raw_pdfium()
        self.data, self.password = data, password
        pw = (password + "\x00").encode("utf-8") if password is not None else None
        handle = raw.FPDF_LoadMemDocument64(data, len(data), pw)
        if raw.FPDF_GetPageCount(handle) < 1:
            code = raw.FPDF_GetLastError()
            if handle:
                raw.FPDF_CloseDocument(handle)
            raise PdfiumError(f"Failed to load document (PDFium: {LOAD_ERRORS.get(code, f'Unhandled constant {code}')}).",
                              code)
        self.handle: Any = handle
        self._rendering: Any = None

    def __len__(self) -> int:
        return int(raw_pdfium().FPDF_GetPageCount(self.handle))

    def metadata(self) -> dict[str, str]:
        """The document information entries that have a value (Title, Producer, ...)."""
        from codecs import decode

        raw = raw_pdfium()
        out = {}
        for key in METADATA_KEYS:
            enc = (key + "\x00").encode("utf-8")
            n = raw.FPDF_GetMetaText(self.handle, enc, None, 0)
            buffer = ctypes.create_string_buffer(n)
            raw.FPDF_GetMetaText(self.handle, enc, buffer, n)
            value = decode(memoryview(buffer)[:n - 2], "utf-16-le")
            if value:
                out[key] = value
        return out

    def rendering(self) -> Any:
        """The same document as a pypdfium2 PdfDocument, to render pages (OCR): opened on first use."""
        if self._rendering is None:
            import pypdfium2 as pdfium

            self._rendering = pdfium.PdfDocument(self.data, password=self.password)
        return self._rendering

    def close(self) -> None:
        if self._rendering is not None:
            self._rendering.close()
            self._rendering = None
        if self.handle:
            raw_pdfium().FPDF_CloseDocument(self.handle)
            self.handle = None


def open_pdfium(path: Path, data: bytes, password: str | None) -> PdfiumDocument:
    try:
        return PdfiumDocument(data, password=password)
    except PdfiumError as e:
        code = e.err_code
        raw = raw_pdfium()
        if code == raw.FPDF_ERR_PASSWORD:
            if password:
                raise PdfError("encrypted", T("error.wrong-password", name=path.name)) from e
            raise PdfError("encrypted", T("error.needs-password", name=path.name)) from e
        if code == raw.FPDF_ERR_SECURITY:
            handler = encryption_summary(data)
            raise PdfError("encrypted", T("error.encryption-unsupported-handler", name=path.name, handler=handler)
                           if handler else T("error.encryption-unsupported", name=path.name)) from e
        why = str(e).replace(" (PDFium: Success)", "").replace("(PDFium: Success)", "").rstrip(".")
        raise PdfError("unreadable", T("error.damaged", name=path.name, why=why)) from e


def metadata(fast: PdfiumDocument) -> dict[str, Any]:
    try:
        return fast.metadata()
    except Exception:
        return {}


@dataclass
class PdfiumPage:
    """What pdfium reads of a page: its characters and path edges, and how many images it holds."""
    width: float
    height: float
    chars: list[Char]
    edges: list[Edge]
    images: int
    invisible: int = 0     # characters drawn in the invisible text mode (counted on pages holding images)


Matrix = tuple[float, float, float, float, float, float]   # a, b, c, d, e, f


def _matrix(raw: Any, obj: Any) -> Matrix:
    m = raw.FS_MATRIX()
    if not raw.FPDFPageObj_GetMatrix(obj, m):
        raise PdfiumError("Failed to get matrix of pageobject.")
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _times(m1: Matrix, m2: Matrix) -> Matrix:
    """m1 x m2: m1's transformation, then m2's (as pypdfium2's PdfMatrix.multiply)."""
    a1, b1, c1, d1, e1, f1 = m1
    a2, b2, c2, d2, e2, f2 = m2
    return (a1 * a2 + b1 * c2, a1 * b2 + b1 * d2, c1 * a2 + d1 * c2, c1 * b2 + d1 * d2,
            e1 * a2 + f1 * c2 + e2, e1 * b2 + f1 * d2 + f2)


def _objects(raw: Any, page: Any, max_depth: int) -> Iterator[tuple[Any, int, int]]:
    """The page's objects, those inside form XObjects after their form (down to max_depth levels), as (object,
    type, level): pypdfium2's PdfPage.get_objects, without an object per object."""
    def inside(parent: Any, count: Any, get: Any, level: int) -> Iterator[tuple[Any, int, int]]:
        n = count(parent)
        if n < 0:
            raise PdfiumError("Failed to get number of pageobjects.")
        for i in range(n):
            obj = get(parent, i)
            if not obj:
                raise PdfiumError("Failed to get pageobject.")
            kind = raw.FPDFPageObj_GetType(obj)
            yield obj, kind, level
            if kind == raw.FPDF_PAGEOBJ_FORM and level < max_depth - 1:
                yield from inside(obj, raw.FPDFFormObj_CountObjects, raw.FPDFFormObj_GetObject, level + 1)

    return inside(page, raw.FPDFPage_CountObjects, raw.FPDFPage_GetObject, 0)


def read_pdfium_page(fast: PdfiumDocument, index: int) -> PdfiumPage:
    raw = raw_pdfium()
    page = raw.FPDF_LoadPage(fast.handle, index)
    if not page:
        raise PdfiumError("Failed to load page.")
    try:
        box = raw.FS_RECTF()
        if not raw.FPDF_GetPageBoundingBox(page, box):
            raise PdfiumError("Failed to get page bounding box.")
        left, bottom, right, top = box.left, box.bottom, box.right, box.top
        width, height = right - left, top - bottom
        images = 0
        edges: list[Edge] = []
        forms: list[Matrix] = []          # matrices of the form XObjects we are inside, outermost first
        for obj, kind, level in _objects(raw, page, max_depth=3):
            del forms[level:]
            if kind == raw.FPDF_PAGEOBJ_PATH:
                _path_edges(raw, obj, forms, left, top, edges)
            elif kind == raw.FPDF_PAGEOBJ_IMAGE:
                images += 1
            elif kind == raw.FPDF_PAGEOBJ_FORM:
                m = _matrix(raw, obj)
                forms.append(_times(m, forms[-1]) if forms else m)
        tp = raw.FPDFText_LoadPage(page)
        if not tp:
            raise PdfiumError("Failed to load text page.")
        try:
            count = raw.FPDFText_CountChars(tp)
            chars = _pdfium_chars(raw, tp, count, left, top)
            invisible = _invisible_chars(raw, tp, count) if images else 0
        finally:
            raw.FPDFText_ClosePage(tp)
    finally:
        raw.FPDF_ClosePage(page)
    return PdfiumPage(width=float(width), height=float(height), chars=chars, edges=edges, images=images,
                      invisible=invisible)


def _invisible_chars(raw: Any, handle: Any, count: int) -> int:
    """How many characters are drawn invisible (text render mode 3: a scanner's OCR layer over its image)."""
    n = 0
    seen: dict[int, bool] = {}
    for k in range(count):
        obj = raw.FPDFText_GetTextObject(handle, k)
        if not obj:
            continue
        key = obj if isinstance(obj, int) else ctypes.cast(obj, ctypes.c_void_p).value or 0
        hidden = seen.get(key)
        if hidden is None:
            hidden = seen[key] = raw.FPDFTextObj_GetTextRenderMode(obj) == raw.FPDF_TEXTRENDERMODE_INVISIBLE
        n += hidden
    return n


def _path_edges(raw: Any, h: Any, forms: list[Matrix], left: float, top: float, out: list[Edge]) -> None:
    """The straight horizontal and vertical segments of a path, as pdfplumber's edges (what its table finder
    reads from pdfminer's lines, rects and curves)."""
    m = _matrix(raw, h)
    if forms:
        m = _times(m, forms[-1])
    a, b, c, d, e, f = m
    n = raw.FPDFPath_CountSegments(h)
    if n < 2 or n > 2000:
        return
    x = ctypes.c_float()
    y = ctypes.c_float()
    start: tuple[float, float] | None = None
    prev: tuple[float, float] | None = None

    def edge(p0, p1):
        x0, x1 = sorted((p0[0] - left, p1[0] - left))
        t0, t1 = sorted((top - p0[1], top - p1[1]))
        if abs(x1 - x0) < 0.01:
            orient = "v"
        elif abs(t1 - t0) < 0.01:
            orient = "h"
        else:
            return
        out.append({"object_type": "curve_edge", "x0": x0, "x1": x1 if orient == "h" else x0, "top": t0,
                    "bottom": t1 if orient == "v" else t0, "doctop": t0, "width": x1 - x0 if orient == "h" else 0,
                    "height": t1 - t0 if orient == "v" else 0, "orientation": orient})

    for i in range(n):
        seg = raw.FPDFPath_GetPathSegment(h, i)
        if not raw.FPDFPathSegment_GetPoint(seg, x, y):
            continue
        px, py = x.value, y.value
        pt = (a * px + c * py + e, b * px + d * py + f)
        kind = raw.FPDFPathSegment_GetType(seg)
        if kind == raw.FPDF_SEGMENT_MOVETO or prev is None:
            start = pt
        elif kind == raw.FPDF_SEGMENT_LINETO:
            edge(prev, pt)
        prev = pt
        if raw.FPDFPathSegment_GetClose(seg) and start is not None and start != pt:
            edge(pt, start)
            prev = start


def _pdfium_chars(raw: Any, handle: Any, count: int, left: float, top: float) -> list[Char]:
    """Characters with pdfplumber's keys (x0, x1, top, bottom in points from the top left). pdfium's generated
    spaces are kept, placed at the end of the character before them, so that words split where pdfium saw a gap."""
    rect = raw.FS_RECTF()
    out: list[Char] = []
    unicode, generated, char_box = raw.FPDFText_GetUnicode, raw.FPDFText_IsGenerated, raw.FPDFText_GetLooseCharBox
    for k in range(count):
        u = unicode(handle, k)
        if u == 0x02:       # pdfium's mark for a hyphen that ends a line
            u = 0x2D
        if u in (0, 0xFFFE, 0xFFFF, 0x0D, 0x0A):
            continue
        try:
            ch = chr(u)
        except ValueError:
            continue
        # the characters pdfium generates are spaces and line breaks (CPDF_TextPage): only a space is asked about
        if u == 0x20 and generated(handle, k):
            if out and out[-1]["text"] != " ":
                prev = out[-1]
                out.append({**prev, "text": " ", "x0": prev["x1"]})
            continue
        if not char_box(handle, k, rect):
            continue
        t = top - rect.top
        out.append({"text": ch, "x0": rect.left - left, "x1": rect.right - left, "top": t, "doctop": t,
                    "bottom": top - rect.bottom, "upright": True})
    return out


class NoPageImages(Exception):
    """The file cannot be opened to render its pages."""


def page_images(path: str | Path, numbers: list[int], scale: float
                ) -> Iterator[tuple[int, Any, tuple[float, float, float, float], tuple[float, float, float, float]]]:
    """Pages (1-based numbers; those the file does not have are skipped) rendered to RGB images, each with its
    MediaBox and CropBox: (number, PIL image, mediabox, cropbox)."""
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(path)
    except Exception as e:
        raise NoPageImages(f"{type(e).__name__}: {e}") from e
    try:
        for n in numbers:
            if not 1 <= n <= len(doc):
                continue
            page = doc[n - 1]
            try:
                mediabox = page.get_mediabox()
                cropbox = page.get_cropbox()
                img = page.render(scale=scale).to_pil().convert("RGB")
            finally:
                page.close()
            yield n, img, mediabox, cropbox
    finally:
        doc.close()
