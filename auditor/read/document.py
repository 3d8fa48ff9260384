"""What reading a PDF produces: typed pages, prose as a :class:`TextFlow` (a string whose every character knows
its page and box) and tables as grids of :class:`Cell`, merged cells filled from the cell that spans them; the
characters and edges every page source hands the assembler; the reader's one error type.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypedDict

from .. import regexes as regex
from ..model import ExtractionNote, Location
from ..numbers import fold


class Char(TypedDict, total=False):
    """A character as every page source hands it to the assembler: pdfplumber's keys (points from the page's
    top left), so pdfplumber's table finder and text-line builder read it as their own."""
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    doctop: float
    upright: bool
    conf: float          # read by OCR: the engine's confidence, 0-100


class Edge(TypedDict, total=False):
    """A straight horizontal ("h") or vertical ("v") segment of a ruling, with pdfplumber's keys."""
    object_type: str
    x0: float
    x1: float
    top: float
    bottom: float
    doctop: float
    width: float
    height: float
    orientation: str


CJK = regex.compile(r"[\p{Han}\p{Katakana}\p{Hiragana}\u3000-\u303f\uff00-\uffef，。；：、（）“”‘’《》【】]")


UNREADABLE = regex.compile(r"[\ufffd\ue000-\uf8ff\x00-\x08\x0b\x0c\x0e-\x1f]|\(cid:\d+\)")


def count_unreadable(texts: list[str]) -> int:
    """How many of a page's characters are unmapped glyphs (see unreadable): one scan of the joined text, not a
    call per character (every page pays it)."""
    return len(UNREADABLE.findall("".join(texts)))


def unreadable(ch: str) -> bool:
    """A character a text layer holds in place of an unmapped glyph: U+FFFD, a private-use code point, a control
    character, pdfminer's (cid:N)."""
    o = ord(ch[0]) if ch else 0
    return o == 0xFFFD or 0xE000 <= o <= 0xF8FF or (o < 0x20 and ch not in "\t\n\r") or ch.startswith("(cid:")


class PdfError(Exception):
    """The file could not be read as a PDF. `code` is stable: empty, not-a-pdf, truncated, unreadable, encrypted,
    too-many-pages, stream-too-large (and, from the audit around it, timeout and out-of-memory)."""

    def __init__(self, code: str, message: str):
        """`message`: a catalogue message (auditor.i18n.Msg, id error.*), so that it is read in the reader's
        language; as a str, its English text."""
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
    def concat(parts: list[TextFlow], sep: str = "\n") -> TextFlow:
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

    def joined(self) -> TextFlow:
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

    def slice(self, start: int, end: int) -> TextFlow:
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
    garbage: int = 0      # characters of the text layer that are unmapped glyphs (U+FFFD, private use, (cid:N))
    invisible: int = 0    # characters drawn invisible (an OCR layer over a scanned image)


@dataclass
class Document:
    path: str
    sha256: str
    pages: list[Page]
    producer: str | None = None
    notes: list[ExtractionNote] = field(default_factory=list)     # what reading the file could not do (OCR)
    ocr_engine: str | None = None                                  # the engine (and version) that read pages

    @property
    def prose(self) -> TextFlow:
        """All prose outside tables, page after page, one line per printed line."""
        return TextFlow.concat([p.lines for p in self.pages if p.lines.text], sep="\n")


# Which unruled tables a page keeps: the caller knows which kinds of table it can read (the reader does not)
TablePolicy = Callable[[Table], bool]
