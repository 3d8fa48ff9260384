"""Reading a PDF: pdfplumber's untyped dicts become typed pages, prose and tables here, at the door.

Everything downstream works on :class:`Document`: prose as a :class:`TextFlow`
(a string whose every character knows its page and box) and tables as grids of
:class:`Cell` with merged cells filled from the cell that spans them.
"""
from __future__ import annotations

import ctypes
import hashlib
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import regex

from .model import Location
from .numbers import fold

if TYPE_CHECKING:
    from .limits import Limits

CJK = regex.compile(r"[\p{Han}\p{Katakana}\p{Hiragana}\u3000-\u303f\uff00-\uffef，。；：、（）“”‘’《》【】]")


class PdfError(Exception):
    """The file could not be read as a PDF. `code` is stable: empty, not-a-pdf, truncated, unreadable, encrypted,
    too-many-pages, stream-too-large (and, from the audit around it, timeout and out-of-memory)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message
        self.sha256: str | None = None    # the file's digest, when the file could be read


@dataclass(frozen=True, slots=True)
class Glyph:
    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    conf: float | None = None


class TextFlow:
    """Folded text with, for every character, the glyph it came from (None for inserted spaces/newlines)."""

    def __init__(self, text: str = "", glyphs: list[Glyph | None] | None = None):
        self.text = text
        self.glyphs: list[Glyph | None] = glyphs if glyphs is not None else [None] * len(text)
        assert len(self.glyphs) == len(self.text)

    @staticmethod
    def concat(parts: list["TextFlow"], sep: str = "\n") -> "TextFlow":
        text: list[str] = []
        glyphs: list[Glyph | None] = []
        for i, p in enumerate(parts):
            if i:
                text.append(sep)
                glyphs.extend([None] * len(sep))
            text.append(p.text)
            glyphs.extend(p.glyphs)
        return TextFlow("".join(text), glyphs)

    def location(self, start: int, end: int) -> Location | None:
        gs = [g for g in self.glyphs[start:end] if g is not None]
        if not gs:
            return None
        page = gs[0].page
        gs = [g for g in gs if g.page == page]
        return Location(page=page, bbox=(round(min(g.x0 for g in gs), 2), round(min(g.top for g in gs), 2),
                                         round(max(g.x1 for g in gs), 2), round(max(g.bottom for g in gs), 2)))

    def confidence(self, start: int, end: int) -> float | None:
        cs = [g.conf for g in self.glyphs[start:end] if g is not None and g.conf is not None]
        return min(cs) if cs else None

    def joined(self) -> "TextFlow":
        """Lines run together: a line break between CJK characters vanishes, elsewhere it becomes a space."""
        cached = getattr(self, "_joined", None)
        if cached is not None:
            return cached
        t = self.text
        out: list[str] = []
        glyphs: list[Glyph | None] = []
        start = 0
        while True:
            i = t.find("\n", start)
            if i < 0:
                break
            out.append(t[start:i])
            glyphs.extend(self.glyphs[start:i])
            prev = t[i - 1] if i else ""
            nxt = t[i + 1] if i + 1 < len(t) else ""
            if not (prev and nxt and (CJK.match(prev) or CJK.match(nxt)) and not (prev.isdigit() or nxt.isdigit())):
                out.append(" ")
                glyphs.append(self.glyphs[i])
            start = i + 1
        out.append(t[start:])
        glyphs.extend(self.glyphs[start:])
        self._joined = TextFlow("".join(out), glyphs)
        return self._joined

    def slice(self, start: int, end: int) -> "TextFlow":
        return TextFlow(self.text[start:end], self.glyphs[start:end])


_FOLDED: dict[str, str] = {}


def fold_chars(pairs: list[tuple[str, Glyph | None]]) -> TextFlow:
    """NFKC-fold character by character so every folded character keeps its glyph."""
    text: list[str] = []
    glyphs: list[Glyph | None] = []
    for ch, g in pairs:
        f = _FOLDED.get(ch)
        if f is None:
            f = _FOLDED[ch] = fold(ch)
        if len(f) == 1:
            text.append(f)
            glyphs.append(g)
            continue
        for c in f:
            text.append(c)
            glyphs.append(g)
    return TextFlow("".join(text), glyphs)


# Spaces between a Chinese character and a Latin letter or digit ("第 27 部分", "2026 年"): one producer prints
# the autospacing as a space character, another as a gap that one reader takes for a space and another does
# not, a third prints nothing. They are dropped, so every producer's text (and both readers') reads the same.
CJK_LATIN_SPACE = regex.compile(r"(?<=\p{Han})[ \u3000]+(?=[A-Za-z0-9])|(?<=[A-Za-z0-9])[ \u3000]+(?=\p{Han})")


def drop_cjk_latin_spaces(flow: TextFlow) -> TextFlow:
    spans = [m.span() for m in CJK_LATIN_SPACE.finditer(flow.text)]
    if not spans:
        return flow
    keep = [True] * len(flow.text)
    for a, b in spans:
        keep[a:b] = [False] * (b - a)
    return TextFlow("".join(c for c, k in zip(flow.text, keep) if k), [g for g, k in zip(flow.glyphs, keep) if k])


def join_cell_text(text: str) -> str:
    """Wrapped cell text joined: no space inside CJK runs, a space between Latin words."""
    text = CJK_LATIN_SPACE.sub("", fold(text or ""))
    lines = [ln.strip() for ln in text.split("\n")]
    out = ""
    for ln in lines:
        if not ln:
            continue
        if out and not (CJK.match(out[-1]) or CJK.match(ln[0]) or out[-1] in "-/(" or ln[0] in ")/%"):
            out += " "
        out += ln
    return out


@dataclass
class Cell:
    text: str
    page: int
    bbox: tuple[float, float, float, float] | None
    merged: bool = False          # a continuation of a spanning cell (pdfplumber gave None)
    conf: float | None = None

    @property
    def location(self) -> Location:
        return Location(page=self.page, bbox=tuple(round(v, 2) for v in self.bbox) if self.bbox else None)


@dataclass
class Table:
    page: int
    bbox: tuple[float, float, float, float]
    rows: list[list[Cell]]
    ruled: bool = True

    @property
    def location(self) -> Location:
        return Location(page=self.page, bbox=tuple(round(v, 2) for v in self.bbox))

    @property
    def ncols(self) -> int:
        return max((len(r) for r in self.rows), default=0)


@dataclass
class Page:
    number: int
    width: float
    height: float
    lines: TextFlow
    tables: list[Table] = field(default_factory=list)
    chars: int = 0
    ocr: bool = False
    images: int = 0


@dataclass
class Document:
    path: str
    sha256: str
    pages: list[Page]
    producer: str | None = None
    notes: list = field(default_factory=list)     # ExtractionNote: what reading the file could not do (OCR)

    @property
    def prose(self) -> TextFlow:
        """All prose outside tables, page after page, one line per printed line."""
        return TextFlow.concat([p.lines for p in self.pages if p.lines.text], sep="\n")


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def open_document(path: str | Path, ocr: str = "auto", sha256: str | None = None, password: str | None = None,
                  limits: "Limits | None" = None, parser: str | None = None, progress=None) -> Document:
    """Read a PDF into a Document. Raises PdfError with a stable code when it cannot.

    pdfium (C, a few ms a page) reads every page's characters with their boxes and the straight segments of
    its paths; pdfplumber's table finder and text-line builder then run on those, so no page pays for pdfminer's
    pure-Python content-stream interpreter. `parser="pdfplumber"` (or AUDITOR_PARSER=pdfplumber) reads every page
    with pdfplumber instead: slower, kept to compare the two readings.

    The file is read once: its bytes are hashed, sniffed, measured for bombs and handed to pdfium. A PdfError
    raised after the read carries the digest in `.sha256`. `sha256`: the digest, when the caller knows it.
    `progress`: called as progress("reading", pages_done, pages) after each page.
    `password`: opens an encrypted file. `limits`: pages and stream sizes refused before parsing."""
    from .limits import Limits

    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise PdfError("unreadable", f"cannot open {path}: {e.strerror or e}") from e
    digest = sha256 or hashlib.sha256(data).hexdigest()
    try:
        doc = _read(path, data, digest, ocr, password, limits or Limits(), parser, progress)
    except PdfError as e:
        e.sha256 = digest
        raise
    return doc


def _read(path: Path, data: bytes, digest: str, ocr: str, password: str | None, limits: "Limits",
          parser: str | None, progress=None) -> Document:
    from .limits import check_streams, sniff

    sniff(path.name, data)
    check_streams(path.name, data, limits)
    parser = parser or os.environ.get("AUDITOR_PARSER", "pdfium")
    if parser not in ("pdfium", "pdfplumber"):
        raise ValueError(f"parser must be pdfium or pdfplumber, not {parser!r}")
    try:
        fast = _open_pdfium(path, data, password)
    except PdfError as e:
        if e.code != "unreadable":
            raise
        return _read_refused(path, data, digest, ocr, password, limits, progress, e)
    try:
        n = len(fast)
        _check_page_count(path, n, limits)
        producer = _metadata(fast).get("Producer")
        plumber = _open_plumber(path, password) if parser == "pdfplumber" else None
        try:
            def page(i: int, previous: "Page | None") -> Page:
                if plumber is not None:
                    return _plumber_page(plumber, i, previous)
                return _page_from_quick(_quick_page(fast, i), i + 1, previous)

            pages = _read_pages(path, n, page, progress)
        finally:
            _close_plumber(plumber)
        doc = Document(path=str(path), sha256=digest, pages=pages,
                       producer=str(producer) if producer else None)
        if ocr == "force" or (ocr != "off" and any(p.chars == 0 and p.images > 0 for p in doc.pages)):
            from . import ocr as ocr_mod     # (imported only when a page needs it)

            # the document already open (with its password) renders the pages: the file is not reopened
            ocr_mod.ocr_missing_pages(doc, fast, mode=ocr)
    finally:
        fast.close()
    return doc


def _read_refused(path: Path, data: bytes, digest: str, ocr: str, password: str | None, limits: "Limits",
                  progress, refused: PdfError) -> Document:
    """pdfium refuses some files pdfminer reads (a damaged catalog, metadata it cannot parse): read those with
    pdfplumber before calling them unreadable, and say so; a file neither reads gets the real reason."""
    from .limits import AuditTimeout
    from .model import ExtractionNote

    reason = unsupported_reason(data)
    if reason:
        raise PdfError("unreadable", f"{path.name} {reason}") from refused
    try:
        doc = _read_plumber_only(path, digest, password, limits, progress)
    except (PdfError, MemoryError, AuditTimeout) as e2:
        if isinstance(e2, PdfError) and e2.code == "encrypted":
            raise
        handler = encryption_summary(data)
        if handler:   # "Failed to load document (PDFium: Success)" names no reason: the bytes do
            raise PdfError("encrypted", f"{path.name} is encrypted with a security handler neither PDFium nor "
                                        f"pdfminer opens ({handler})") from refused
        if isinstance(e2, PdfError):
            raise refused from e2
        raise
    doc.notes.append(_fallback_note(str(refused.__cause__ or refused.message)))
    if ocr != "off" and any(p.chars == 0 and p.images > 0 for p in doc.pages):
        doc.notes.append(ExtractionNote(
            code="ocr-unavailable", severity="warning",
            message="pages without a text layer were not read: OCR renders pages with pdfium, which cannot "
                    "open this file"))
    return doc


def _read_plumber_only(path: Path, digest: str, password: str | None, limits: "Limits", progress=None) -> Document:
    """Every page read with pdfplumber (pdfminer), for a file pdfium will not open."""
    from .limits import AuditTimeout

    plumber = _open_plumber(path, password)
    try:
        try:
            n = len(plumber.pages)
            meta = plumber.metadata or {}
        except (MemoryError, AuditTimeout):
            raise
        except Exception as e:
            raise PdfError("unreadable", f"{path.name} could not be parsed: {type(e).__name__}: {e}") from e
        _check_page_count(path, n, limits)
        pages = _read_pages(path, n, lambda i, previous: _plumber_page(plumber, i, previous), progress)
    finally:
        _close_plumber(plumber)
    producer = meta.get("Producer")
    if isinstance(producer, bytes):
        producer = producer.decode("latin-1", "replace")
    return Document(path=str(path), sha256=digest, pages=pages, producer=str(producer) if producer else None)


def _check_page_count(path: Path, n: int, limits: "Limits") -> None:
    if n == 0:
        raise PdfError("empty", f"{path.name} has no pages")
    if n > limits.max_pages:
        raise PdfError("too-many-pages", f"{path.name} has {n} pages, more than the limit of {limits.max_pages}; "
                                         f"refused (limit: limits.max_pages)")


def _read_pages(path: Path, n: int, page, progress=None) -> list[Page]:
    """page(i, previous) for every page, in order; a page that fails is a PdfError naming it."""
    from .limits import AuditTimeout

    pages: list[Page] = []
    for i in range(n):
        try:
            pages.append(page(i, pages[-1] if pages else None))
        except (PdfError, MemoryError, AuditTimeout):
            raise
        except Exception as e:
            if "Failed to load page" in str(e) or isinstance(e, IndexError):
                raise PdfError("unreadable", f"{path.name}: page {i + 1} of {n} cannot be loaded: the page tree is "
                                             f"damaged (it loops, or counts more pages than it holds)") from e
            raise PdfError("unreadable", f"{path.name}: page {i + 1} could not be read: "
                                         f"{type(e).__name__}: {e}") from e
        if progress is not None:
            progress("reading", i + 1, n)
    return pages


def _plumber_page(plumber, i: int, previous: "Page | None") -> Page:
    p = plumber.pages[i]
    try:
        return read_page(p, i + 1, previous)
    finally:
        p.close()


def _close_plumber(plumber) -> None:
    if plumber is None:
        return
    try:
        plumber.close()
    except Exception:  # pdfminer re-raises its parse error on close: the one raised before counts
        pass


def _fallback_note(why: str):
    from .model import ExtractionNote

    return ExtractionNote(code="reader-fallback", severity="info",
                          message=f"PDFium refused the file ({why.rstrip('.')}); it was read with pdfminer "
                                  f"(pdfplumber) instead")


# filters pdfium and pdfminer do not decode: a file whose streams use one cannot be read by either
UNSUPPORTED_FILTERS = ("BrotliDecode",)


def unsupported_reason(data: bytes) -> str | None:
    """Why a file pdfium refused cannot be read, when the bytes say so: a stream filter no reader here decodes,
    or an encryption dictionary no reader here opens."""
    import re

    for name in UNSUPPORTED_FILTERS:
        if re.search(rb"/" + name.encode() + rb"(?![A-Za-z0-9])", data):
            return f"uses the /{name} filter, which is not supported (PDFium and pdfminer cannot decode it)"
    return None


def encryption_summary(data: bytes) -> str | None:
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
        return "its encryption dictionary could not be found"
    parts = []
    for key in (b"Filter", b"SubFilter", b"V", b"R", b"Length", b"CFM"):
        v = re.search(rb"/" + key + rb"\s*(/[A-Za-z0-9.]+|\d+)", body)
        if v:
            parts.append(f"/{key.decode()} {v.group(1).decode('latin-1')}")
    return ", ".join(parts) or "an encryption dictionary without /Filter"


def _open_pdfium(path: Path, data: bytes, password: str | None):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data, password=password)
    except pdfium.PdfiumError as e:
        code = getattr(e, "err_code", None)
        import pypdfium2.raw as raw

        if code == raw.FPDF_ERR_PASSWORD:
            if password:
                raise PdfError("encrypted", f"{path.name} is encrypted and the password given does not open it") from e
            raise PdfError("encrypted", f"{path.name} is encrypted: give its password with --password") from e
        if code == raw.FPDF_ERR_SECURITY:
            handler = encryption_summary(data)
            raise PdfError("encrypted", f"{path.name} uses an encryption scheme that cannot be opened"
                                        + (f" ({handler})" if handler else "")) from e
        why = str(e).replace(" (PDFium: Success)", "").replace("(PDFium: Success)", "")
        raise PdfError("unreadable", f"{path.name} is damaged and cannot be parsed as a PDF ({why})") from e


def _open_plumber(path: Path, password: str | None):
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    # pdfminer logs a warning per glyph of some fonts (Type 3 without FontBBox): noise, not findings
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        return pdfplumber.open(path, password=password or "")
    except (PDFPasswordIncorrect, PDFEncryptionError) as e:
        raise PdfError("encrypted", f"{path.name} is encrypted and cannot be opened without a password") from e
    except PDFSyntaxError as e:
        raise PdfError("unreadable", f"{path.name} is damaged: {e}") from e
    except Exception as e:  # pdfminer raises many things on hostile input (pdfplumber wraps them)
        if _is_encryption_error(e):
            raise PdfError("encrypted", f"{path.name} is encrypted: {e}") from e
        raise PdfError("unreadable", f"{path.name} could not be parsed: {type(e).__name__}: {e}") from e


def _metadata(fast) -> dict:
    try:
        return fast.get_metadata_dict(skip_empty=True)
    except Exception:
        return {}


@dataclass
class QuickPage:
    """What pdfium reads of a page: characters and path edges as pdfplumber-style dicts, and its images."""
    width: float
    height: float
    chars: list[dict]
    edges: list[dict]
    images: int


def _quick_page(fast, index: int) -> QuickPage:
    import pypdfium2.raw as raw

    page = fast[index]
    try:
        left, bottom, right, top = page.get_bbox()
        width, height = right - left, top - bottom
        images = 0
        edges: list[dict] = []
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
        finally:
            tp.close()
    finally:
        page.close()
    return QuickPage(width=float(width), height=float(height), chars=chars, edges=edges, images=images)


def _path_edges(obj, forms: list, left: float, top: float, out: list[dict]) -> None:
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


class _EdgePage:
    """What pdfplumber's TableFinder and Table.extract read of a page, built from pdfium's objects."""

    def __init__(self, width: float, height: float, chars: list[dict], edges: list[dict]):
        self.bbox = (0, 0, width, height)
        self.chars = chars
        self.edges = edges


def find_ruled_tables(quick: QuickPage, number: int) -> list[Table]:
    """pdfplumber's own table finder (lines strategy) on pdfium's edges and characters."""
    from pdfplumber.table import TableFinder

    if len(quick.edges) < 2:
        return []
    return _tables(TableFinder(_EdgePage(quick.width, quick.height, quick.chars, quick.edges)).tables, number)


def _pdfium_chars(tp, left: float, top: float) -> list[dict]:
    """Characters with pdfplumber's keys (x0, x1, top, bottom in points from the top left). pdfium's generated
    spaces are kept, placed at the end of the character before them, so that words split where pdfium saw a gap."""
    import pypdfium2.raw as raw

    handle = tp.raw
    rect = raw.FS_RECTF()
    out: list[dict] = []
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


def _page_from_quick(quick: QuickPage, number: int, previous: "Page | None") -> Page:
    """A page from pdfium's reading alone."""
    return assemble_page(number, quick.width, quick.height, find_ruled_tables(quick, number), quick.chars,
                         quick.images, previous)


def assemble_page(number: int, width: float, height: float, tables: list[Table], chars: list[dict], images: int,
                  previous: "Page | None") -> Page:
    """The steps after either reader: prose lines from the characters outside the ruled tables (pdfplumber's
    text-line builder), then the unruled tables among those lines."""
    from pdfplumber.utils import chars_to_textmap

    boxes = [t.bbox for t in tables]
    prose = [c for c in chars if not _inside(c, boxes)] if boxes else chars
    flows: list[TextFlow] = []
    if prose:
        tm = chars_to_textmap(prose, layout_bbox=(0, 0, width, height), layout_width=width, layout_height=height)
        flows = [_line_flow(line, number) for line in tm.extract_text_lines(strip=True, return_chars=True)]
    unruled, flows = unruled_tables(flows, number, height, previous)
    return Page(number=number, width=width, height=height,
                lines=TextFlow.concat(flows, sep="\n") if flows else TextFlow(),
                tables=sorted(tables + unruled, key=lambda t: t.bbox[1]),
                chars=sum(1 for c in chars if not c["text"].isspace()), images=images)


def _is_encryption_error(e: BaseException) -> bool:
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    seen = [e, *[a for a in getattr(e, "args", ()) if isinstance(a, BaseException)], e.__cause__, e.__context__]
    return any(isinstance(x, (PDFPasswordIncorrect, PDFEncryptionError)) or (
        x is not None and ("password" in repr(x).lower() or "encrypt" in type(x).__name__.lower())) for x in seen)


def _inside(obj, boxes) -> bool:
    cx = (obj["x0"] + obj["x1"]) / 2
    cy = (obj["top"] + obj["bottom"]) / 2
    return any(b[0] - 1 <= cx <= b[2] + 1 and b[1] - 1 <= cy <= b[3] + 1 for b in boxes)


def read_page(p, number: int, previous: "Page | None" = None) -> Page:
    """A page from pdfplumber's (pdfminer's) reading: its table finder on its own objects."""
    return assemble_page(number, float(p.width), float(p.height), _tables(p.find_tables(), number), p.chars,
                         len(p.images), previous)


def unruled_tables(flows: list[TextFlow], number: int, height: float,
                   previous: "Page | None") -> tuple[list[Table], list[TextFlow]]:
    """Tables printed without lines, among the page's prose lines; kept only when the report reader knows the
    kind of table (or it goes on from an unruled table at the foot of the previous page)."""
    from .layout import find_unruled_tables
    from .tables import classify, read_header

    last = previous.tables[-1] if previous is not None and previous.tables else None

    def accept(table: Table) -> bool:
        if classify(table, read_header(table)) != "unknown":
            return True
        return (last is not None and not last.ruled and last.ncols == table.ncols
                and last.bbox[3] > 0.7 * previous.height and table.bbox[1] < 0.25 * height)

    tables, taken = find_unruled_tables(flows, number, accept)
    if not tables:
        return [], flows
    gone = set(taken)
    return tables, [f for i, f in enumerate(flows) if i not in gone]


def _line_flow(line: dict, page: int) -> TextFlow:
    chars = line.get("chars") or []
    pairs: list[tuple[str, Glyph | None]] = []
    k = 0
    text = line["text"]
    i = 0
    while i < len(text):
        ch = text[i]
        if k < len(chars) and text.startswith(chars[k]["text"], i) and chars[k]["text"]:
            c = chars[k]
            g = Glyph(page, float(c["x0"]), float(c["top"]), float(c["x1"]), float(c["bottom"]))
            for sub in c["text"]:
                pairs.append((sub, g))
            i += len(c["text"])
            k += 1
        else:
            pairs.append((ch, None))
            i += 1
    return drop_cjk_latin_spaces(fold_chars(pairs))


def _tables(found, number: int) -> list[Table]:
    """pdfplumber's tables (from either reader) as ours, one-column grids dropped."""
    out = []
    for t in found:
        rows = _grid(t, number)
        if rows and max(len(r) for r in rows) >= 2:
            out.append(Table(page=number, bbox=tuple(float(v) for v in t.bbox), rows=rows, ruled=True))
    return out


def _grid(t, page: int) -> list[list[Cell]]:
    texts = table_texts(t)
    rows = []
    for r, row in enumerate(t.rows):
        cells = []
        for c, bbox in enumerate(row.cells):
            raw = texts[r][c] if r < len(texts) and c < len(texts[r]) else None
            if bbox is None:
                cells.append(Cell(text="", page=page, bbox=None, merged=True))
            else:
                cells.append(Cell(text=join_cell_text(raw or ""), page=page, bbox=tuple(float(v) for v in bbox)))
        rows.append((row.bbox, cells))
    _fill_merged(rows)
    return [cells for _, cells in rows]


def table_texts(t) -> list[list[str | None]]:
    """What pdfplumber's ``Table.extract()`` returns (a character belongs to the cell holding its centre; each
    cell's text in lines and words, 3-point tolerances), in O(characters log characters) instead of rows x page
    characters: the characters are sorted by the height of their centre once, and each row takes its slice."""
    from bisect import bisect_left

    def mid(c):
        return (c["top"] + c["bottom"]) / 2

    chars = sorted(t.page.chars, key=mid)
    mids = [mid(c) for c in chars]
    out: list[list[str | None]] = []
    for row in t.rows:
        _, top, _, bottom = row.bbox
        row_chars = chars[bisect_left(mids, top):bisect_left(mids, bottom)]
        row_chars = [c for c in row_chars if row.bbox[0] <= (c["x0"] + c["x1"]) / 2 < row.bbox[2]]
        arr: list[str | None] = []
        for cell in row.cells:
            if cell is None:
                arr.append(None)
                continue
            x0, ctop, x1, cbottom = cell
            arr.append(_cell_text([c for c in row_chars if x0 <= (c["x0"] + c["x1"]) / 2 < x1
                                   and ctop <= mid(c) < cbottom]))
        out.append(arr)
    return out


def _cell_text(chars: list[dict], tol: float = 3) -> str:
    """pdfplumber's non-layout text of a few characters: lines by `doctop` (chained within tol), words split at
    a gap wider than tol, a step back or a blank; words joined by a space, lines by a newline."""
    if not chars:
        return ""
    chars = sorted(chars, key=lambda c: c["doctop"])
    lines: list[list[dict]] = [[chars[0]]]
    for prev, c in zip(chars, chars[1:]):
        if c["doctop"] - prev["doctop"] <= tol:
            lines[-1].append(c)
        else:
            lines.append([c])
    out = []
    for line in lines:
        line.sort(key=lambda c: c["x0"])
        words: list[str] = []
        prev = None
        for c in line:
            if c["text"].isspace():
                prev = None
                words.append("")
                continue
            if prev is None or c["x0"] < prev["x0"] or c["x0"] > prev["x1"] + tol or c["top"] > prev["top"] + tol:
                words.append(c["text"])
            else:
                words[-1] += c["text"]
            prev = c
        out.append(" ".join(w for w in words if w))
    return "\n".join(out)


def _fill_merged(rows) -> None:
    """A None cell continues the cell that spans it: the one above if it reaches down, else the one to the left."""
    for r, (rbox, cells) in enumerate(rows):
        for c, cell in enumerate(cells):
            if not cell.merged:
                continue
            src = None
            for rr in range(r - 1, -1, -1):
                above = rows[rr][1][c] if c < len(rows[rr][1]) else None
                if above is None:
                    break
                if above.bbox is not None:
                    if above.bbox[3] > rbox[1] + 1:
                        src = above
                    break
            if src is None:
                for cc in range(c - 1, -1, -1):
                    left = cells[cc]
                    if left.bbox is not None:
                        src = left
                        break
                    if not left.merged:
                        break
            if src is not None:
                cell.text = src.text
                cell.bbox = src.bbox
                cell.conf = src.conf
