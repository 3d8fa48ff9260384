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


def open_pdfium(path: Path, data: bytes, password: str | None) -> Any:
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data, password=password)
    except pdfium.PdfiumError as e:
        code = getattr(e, "err_code", None)
        import pypdfium2.raw as raw

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


def metadata(fast: Any) -> dict[str, Any]:
    try:
        return fast.get_metadata_dict(skip_empty=True)
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


def read_pdfium_page(fast: Any, index: int) -> PdfiumPage:
    import pypdfium2.raw as raw

    page = fast[index]
    try:
        left, bottom, right, top = page.get_bbox()
        width, height = right - left, top - bottom
        images = 0
        edges: list[Edge] = []
        forms: list = []          # matrices of the form XObjects we are inside, outermost first
        for obj in page.get_objects(max_depth=3):
            del forms[obj.level:]
            if obj.type == raw.FPDF_PAGEOBJ_PATH:
                _path_edges(obj, forms, left, top, edges)
            elif obj.type == raw.FPDF_PAGEOBJ_IMAGE:
                images += 1
            elif obj.type == raw.FPDF_PAGEOBJ_FORM:
                m = obj.get_matrix()
                forms.append(m.multiply(forms[-1]) if forms else m)
        tp = page.get_textpage()
        try:
            chars = _pdfium_chars(tp, left, top)
            invisible = _invisible_chars(tp) if images else 0
        finally:
            tp.close()
    finally:
        page.close()
    return PdfiumPage(width=float(width), height=float(height), chars=chars, edges=edges, images=images,
                      invisible=invisible)


def _invisible_chars(tp: Any) -> int:
    """How many characters are drawn invisible (text render mode 3: a scanner's OCR layer over its image)."""
    import pypdfium2.raw as raw

    n = 0
    handle = tp.raw
    seen: dict[int, bool] = {}
    for k in range(tp.count_chars()):
        obj = raw.FPDFText_GetTextObject(handle, k)
        if not obj:
            continue
        key = ctypes.cast(obj, ctypes.c_void_p).value or 0
        hidden = seen.get(key)
        if hidden is None:
            hidden = seen[key] = raw.FPDFTextObj_GetTextRenderMode(obj) == raw.FPDF_TEXTRENDERMODE_INVISIBLE
        n += hidden
    return n


def _path_edges(obj: Any, forms: list[Any], left: float, top: float, out: list[Edge]) -> None:
    """The straight horizontal and vertical segments of a path, as pdfplumber's edges (what its table finder
    reads from pdfminer's lines, rects and curves)."""
    import pypdfium2.raw as raw

    m = obj.get_matrix()
    if forms:
        m = m.multiply(forms[-1])
    h = obj.raw
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
        pt = m.on_point(x.value, y.value)
        kind = raw.FPDFPathSegment_GetType(seg)
        if kind == raw.FPDF_SEGMENT_MOVETO or prev is None:
            start = pt
        elif kind == raw.FPDF_SEGMENT_LINETO:
            edge(prev, pt)
        prev = pt
        if raw.FPDFPathSegment_GetClose(seg) and start is not None and start != pt:
            edge(pt, start)
            prev = start


def _pdfium_chars(tp: Any, left: float, top: float) -> list[Char]:
    """Characters with pdfplumber's keys (x0, x1, top, bottom in points from the top left). pdfium's generated
    spaces are kept, placed at the end of the character before them, so that words split where pdfium saw a gap."""
    import pypdfium2.raw as raw

    handle = tp.raw
    rect = raw.FS_RECTF()
    out: list[Char] = []
    for k in range(tp.count_chars()):
        u = raw.FPDFText_GetUnicode(handle, k)
        if u == 0x02:       # pdfium's mark for a hyphen that ends a line
            u = 0x2D
        if u in (0, 0xFFFE, 0xFFFF, 0x0D, 0x0A):
            continue
        try:
            ch = chr(u)
        except ValueError:
            continue
        if raw.FPDFText_IsGenerated(handle, k):
            if ch == " " and out and out[-1]["text"] != " ":
                prev = out[-1]
                out.append({**prev, "text": " ", "x0": prev["x1"]})
            continue
        if not raw.FPDFText_GetLooseCharBox(handle, k, rect):
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
