"""One scanned page read into the same typed page as a born-digital one: the page image is turned upright and
deskewed, its rulings found and erased, its text read by the engine; the words become characters with boxes (in
points, with the engine's confidence) and the rulings become edges, and the born-digital assembler builds the
tables (ruled ones by pdfplumber's table finder, unruled ones from the alignment of the words) and the prose.
"""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..document import Char, Edge, Page, TablePolicy
from .engines import Engine, Word
from .image import edges, erase, line_direction, render, rotate, rulings, skew_angle, to_gray

PIPELINE = "ocr-page/2"         # bump when what is cached (below) changes meaning
DOUBT = 85.0                    # a page read with a mean confidence under this may be upside down: check


@dataclass
class PageRead:
    """What OCR made of one page image, as cached: the right-angle turn and the deskew applied (degrees,
    counter-clockwise), the image size after them, the words and the rulings (pixels)."""
    turn: int
    angle: float
    size: tuple[int, int]
    words: list[Word]
    h: list[tuple[float, float, float, float]] = field(default_factory=list)
    v: list[tuple[float, float, float, float]] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"turn": self.turn, "angle": self.angle, "size": list(self.size),
                "words": [w.to_json() for w in self.words], "h": [list(r) for r in self.h],
                "v": [list(r) for r in self.v]}

    @staticmethod
    def from_json(d: dict) -> PageRead:
        return PageRead(int(d["turn"]), float(d["angle"]), (int(d["size"][0]), int(d["size"][1])),
                        [Word.from_json(w) for w in d["words"]], [tuple(r) for r in d.get("h", [])],
                        [tuple(r) for r in d.get("v", [])])


def image_key(img: Any, dpi: int, engine: Engine) -> str:
    """The cache key of a page image: its pixels, the resolution, the engine with its version and settings."""
    h = hashlib.sha256()
    h.update(f"{PIPELINE}|{engine.version}|{dpi}|{img.mode}|{img.size}|".encode())
    h.update(img.tobytes())
    return h.hexdigest()


def read_image(engine: Engine, rgb: Any, dpi: int) -> PageRead:
    """Upright, deskew, find and erase rulings, read."""
    from .image import Ruling

    gray = to_gray(rgb)
    turn = 0
    ratio = line_direction(gray, dpi)
    # clear either way from the pixels; a page of tables is ambiguous, so the engine looks at its text lines
    turned = ratio < 0.5
    if 0.5 <= ratio < 2:
        says = engine.sideways(gray)
        turned = says if says is not None else ratio < 1
    if turned:
        gray, turn = rotate(gray, 90), 90
    angle = skew_angle(gray)
    if abs(angle) >= 0.05:
        gray = rotate(gray, angle)

    def read(img: Any) -> tuple[list[Word], list[Ruling], list[Ruling]]:
        hs, vs = rulings(img, dpi)
        return engine.read(erase(img, hs, vs) if hs or vs else img), hs, vs

    words, hs, vs = read(gray)
    confs = [w.conf for w in words if w.conf is not None]
    mean = sum(confs) / len(confs) if confs else 0.0
    if (not words or mean < DOUBT) and engine.upside_down(gray):
        flipped = rotate(gray, 180)
        w2, h2, v2 = read(flipped)
        c2 = [w.conf for w in w2 if w.conf is not None]
        if c2 and sum(c2) / len(c2) > mean:
            gray, words, hs, vs, turn = flipped, w2, h2, v2, (turn + 180) % 360
    return PageRead(turn=turn, angle=angle if abs(angle) >= 0.05 else 0.0, size=gray.size, words=words,
                    h=[(float(r.a0), float(r.a1), float(r.c0), float(r.c1)) for r in hs],
                    v=[(float(r.a0), float(r.a1), float(r.c0), float(r.c1)) for r in vs])



def words_to_chars(words: list[Word], scale: float, walls: Sequence[tuple[float, float, float]] = ()) -> list[Char]:
    """Characters in points, each with its share of its word's box and the word's confidence. Within an engine
    line, words that touch (or nearly: less than the line's height apart) are closed up so that no space is read
    inside a run of characters; where the engine printed a space, a space character is put between them, as a text
    layer has it (a wider gap is left to the line builder, which reads it as a space or a column gap). Nothing is
    closed up across a wall (a vertical ruling: x, top, bottom in pixels): the text on its two sides is in two
    cells, even when the engine read it as one line."""

    def walled(x0: float, x1: float, top: float, bottom: float) -> bool:
        return any(x0 - 2 <= x <= x1 + 2 and t <= bottom and b >= top for x, t, b in walls)

    out: list[Char] = []
    lines: dict[int, list[Word]] = {}
    for w in words:
        lines.setdefault(w.line, []).append(w)
    for ln in lines.values():
        ln.sort(key=lambda w: w.x0)
        prev: Word | None = None
        for w in ln:
            text = w.text
            if not text:
                continue
            x0 = w.x0
            if prev is not None:
                height = max(1.0, w.bottom - w.top)
                gap = w.x0 - prev.x1
                if w.space and out and 0 <= gap < 2 * height:
                    last = out[-1]
                    out.append({**last, "text": " ", "x0": last["x1"], "x1": w.x0 / scale})
                elif not w.space and 0 < gap < 0.8 * height and not walled(prev.x1, w.x0, w.top, w.bottom):
                    x0 = prev.x1          # closed up
            step = (w.x1 - x0) / len(text)
            for i, ch in enumerate(text):
                c: Char = {"text": ch, "x0": (x0 + i * step) / scale, "x1": (x0 + (i + 1) * step) / scale,
                           "top": w.top / scale, "bottom": w.bottom / scale, "doctop": w.top / scale,
                           "upright": True}
                if w.conf is not None:
                    c["conf"] = w.conf
                out.append(c)
            prev = w
    return out


def page_edges(read: PageRead, scale: float) -> list[Edge]:
    from .image import Ruling

    return edges([Ruling(*r) for r in read.h], [Ruling(*r) for r in read.v], scale)


def assemble(read: PageRead, page: Page, dpi: int, previous: Page | None, tables: TablePolicy | None) -> None:
    """The page rebuilt from its reading by the born-digital assembler."""
    from ..assemble import assemble_page, find_ruled_tables

    scale = dpi / 72
    width, height = read.size[0] / scale, read.size[1] / scale
    chars = words_to_chars(read.words, scale, [((c0 + c1) / 2, a0, a1) for a0, a1, c0, c1 in read.v])
    found = find_ruled_tables(width, height, chars, page_edges(read, scale), page.number)
    built = assemble_page(page.number, width, height, found, chars, page.images, previous, tables)
    page.lines, page.tables, page.ocr = built.lines, built.tables, True
    page.width, page.height = width, height


def ocr_page(engine: Engine, pdf: Any, page: Page, dpi: int, cache: Any, previous: Page | None,
             tables: TablePolicy | None) -> tuple[PageRead, bool]:
    """Read one page (from the cache when its image was read before); (the reading, whether it was cached)."""
    rgb = render(pdf, page.number, dpi)
    key = image_key(rgb, dpi, engine)
    hit = cache.get(key) if cache is not None else None
    read = PageRead.from_json(hit) if hit is not None else read_image(engine, rgb, dpi)
    if hit is None and cache is not None:
        cache.put(key, read.to_json())
    assemble(read, page, dpi, previous, tables)
    return read, hit is not None
