"""Reading a PDF: pdfplumber's untyped dicts become typed pages, prose and tables here, at the door.

Everything downstream works on :class:`Document`: prose as a :class:`TextFlow`
(a string whose every character knows its page and box) and tables as grids of
:class:`Cell` with merged cells filled from the cell that spans them.
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

import regex

from .model import Location
from .numbers import fold

CJK = regex.compile(r"[\p{Han}\p{Katakana}\p{Hiragana}\u3000-\u303f\uff00-\uffef，。；：、（）“”‘’《》【】]")


class PdfError(Exception):
    """The file could not be read as a PDF. `code` is stable: not-a-pdf, encrypted, unreadable, empty."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
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
        out: list[str] = []
        glyphs: list[Glyph | None] = []
        t = self.text
        for i, ch in enumerate(t):
            if ch == "\n":
                prev = t[i - 1] if i else ""
                nxt = t[i + 1] if i + 1 < len(t) else ""
                if prev and nxt and (CJK.match(prev) or CJK.match(nxt)) and not (prev.isdigit() or nxt.isdigit()):
                    continue
                ch = " "
            out.append(ch)
            glyphs.append(self.glyphs[i])
        return TextFlow("".join(out), glyphs)

    def slice(self, start: int, end: int) -> "TextFlow":
        return TextFlow(self.text[start:end], self.glyphs[start:end])


def fold_chars(pairs: list[tuple[str, Glyph | None]]) -> TextFlow:
    """NFKC-fold character by character so every folded character keeps its glyph."""
    text: list[str] = []
    glyphs: list[Glyph | None] = []
    for ch, g in pairs:
        for c in fold(ch):
            text.append(c)
            glyphs.append(g)
    return TextFlow("".join(text), glyphs)


def join_cell_text(text: str) -> str:
    """Wrapped cell text joined: no space inside CJK runs, a space between Latin words."""
    text = fold(text or "")
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


def open_document(path: str | Path, ocr: str = "auto", sha256: str | None = None) -> Document:
    """Read a PDF into a Document. Raises PdfError with a stable code when it cannot.
    `sha256`: the file's digest when the caller has already computed it (saves a second read)."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    path = Path(path)
    # pdfminer logs a warning per glyph of some fonts (Type 3 without FontBBox): noise, not findings
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        with open(path, "rb") as f:
            head = f.read(1024)
    except OSError as e:
        raise PdfError("unreadable", f"cannot open {path}: {e.strerror or e}") from e
    if not head:
        raise PdfError("empty", f"{path.name} is an empty file")
    if b"%PDF" not in head:
        raise PdfError("not-a-pdf", f"{path.name} is not a PDF (no %PDF header)")
    digest = sha256 or sha256_file(path)
    try:
        pdf = pdfplumber.open(path)
    except (PDFPasswordIncorrect, PDFEncryptionError) as e:
        raise PdfError("encrypted", f"{path.name} is encrypted and cannot be opened without a password") from e
    except PDFSyntaxError as e:
        raise PdfError("unreadable", f"{path.name} is damaged: {e}") from e
    except Exception as e:  # pdfminer raises many things on hostile input (pdfplumber wraps them)
        if _is_encryption_error(e):
            raise PdfError("encrypted", f"{path.name} is encrypted: {e}") from e
        raise PdfError("unreadable", f"{path.name} could not be parsed: {type(e).__name__}: {e}") from e
    try:
        try:
            n = len(pdf.pages)
        except Exception as e:
            if "password" in str(e).lower() or "encrypt" in str(e).lower():
                raise PdfError("encrypted", f"{path.name} is encrypted: {e}") from e
            raise PdfError("unreadable", f"{path.name}: page tree unreadable: {type(e).__name__}: {e}") from e
        if n == 0:
            raise PdfError("empty", f"{path.name} has no pages")
        producer = (pdf.metadata or {}).get("Producer")
        pages: list[Page] = []
        for i, p in enumerate(pdf.pages):
            try:
                pages.append(read_page(p, i + 1, pages[-1] if pages else None))
            except PdfError:
                raise
            except Exception as e:
                raise PdfError("unreadable", f"{path.name}: page {i + 1} could not be read: "
                                             f"{type(e).__name__}: {e}") from e
        doc = Document(path=str(path), sha256=digest, pages=pages,
                       producer=str(producer) if producer is not None else None)
    finally:
        pdf.close()
    if ocr != "off":
        from . import ocr as ocr_mod

        ocr_mod.ocr_missing_pages(doc, path, mode=ocr)
    return doc


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
    tables = find_tables(p, number)
    boxes = [t.bbox for t in tables]
    prose_page = p.filter(lambda o: o.get("object_type") != "char" or not _inside(o, boxes)) if boxes else p
    flows = []
    for line in prose_page.extract_text_lines(return_chars=True, strip=True):
        flows.append(_line_flow(line, number))
    unruled, flows = unruled_tables(flows, number, float(p.height), previous)
    tables = sorted(tables + unruled, key=lambda t: t.bbox[1])
    lines = TextFlow.concat(flows, sep="\n") if flows else TextFlow()
    return Page(number=number, width=float(p.width), height=float(p.height), lines=lines, tables=tables,
                chars=len(p.chars), images=len(p.images))


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
    return fold_chars(pairs)


def find_tables(p, number: int) -> list[Table]:
    out = []
    for t in p.find_tables():
        rows = _grid(t, number)
        if rows and len(rows) >= 1 and max(len(r) for r in rows) >= 2:
            out.append(Table(page=number, bbox=tuple(float(v) for v in t.bbox), rows=rows, ruled=True))
    return out


def _grid(t, page: int) -> list[list[Cell]]:
    texts = t.extract()
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
