"""One scanned page read into the same typed page as a born-digital one: the page image is turned upright and
deskewed, its rulings found and erased, its text read by the engine; the words become characters with boxes (in
points, with the engine's confidence) and the rulings become edges, and the born-digital assembler builds the
tables (ruled ones by pdfplumber's table finder, unruled ones from the alignment of the words) and the prose.
"""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..document import Char, Edge, Page, TablePolicy
from .engines import Engine, Word
from .image import edges, erase, line_direction, render, rotate, rulings, skew_angle, to_gray

PIPELINE = "ocr-page/6"         # the format of what is cached (below)
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


@lru_cache(maxsize=1)
def code_digest() -> str:
    """A digest of the code that turns a page image into a reading (these modules): a reading is reused only by
    the code that made it, so no change of it can be hidden by the cache."""
    h = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for name in ("engines.py", "image.py", "page.py"):
        try:
            h.update((here / name).read_bytes())
        except OSError:
            h.update(name.encode())
    return h.hexdigest()[:16]


def image_key(img: Any, dpi: int, engine: Engine) -> str:
    """The cache key of a page image: its pixels, the resolution, the engine with its version and settings, the
    code that reads it."""
    h = hashlib.sha256()
    h.update(f"{PIPELINE}|{code_digest()}|{engine.version}|{dpi}|{img.mode}|{img.size}|".encode())
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
        clean = erase(img, hs, vs) if hs or vs else img      # the page without its rulings, read once
        words = engine.read(clean)
        words += _lone_cells(engine, clean, hs, vs, words)
        _strokes(words, clean)
        return words, hs, vs

    def mean(words: list[Word]) -> float:
        confs = [w.conf for w in words if w.conf is not None]
        return sum(confs) / len(confs) if confs else 0.0

    words, hs, vs = read(gray)
    if (not words or mean(words) < DOUBT) and engine.upside_down(gray):
        flipped = rotate(gray, 180)
        w2, h2, v2 = read(flipped)
        if w2 and mean(w2) > mean(words):
            gray, words, hs, vs, turn = flipped, w2, h2, v2, (turn + 180) % 360
    return PageRead(turn=turn, angle=angle if abs(angle) >= 0.05 else 0.0, size=gray.size, words=words,
                    h=[(float(r.a0), float(r.a1), float(r.c0), float(r.c1)) for r in hs],
                    v=[(float(r.a0), float(r.a1), float(r.c0), float(r.c1)) for r in vs])


def _lone_cells(engine: Engine, clean: Any, hs: list, vs: list, words: list[Word]) -> list[Word]:
    """The ruled cells the page reading left empty though they hold ink: text detection misses a lone short mark
    in a cell of its own ('t', '/', '-'); each is recognised from its own crop of the page without rulings.
    The cells are the ones the assembler will find (its ruled-table finder, here in pixels)."""
    if len(hs) < 2 or len(vs) < 2:
        return []
    from ..assemble import find_ruled_tables

    centres = [((w.x0 + w.x1) / 2, (w.top + w.bottom) / 2) for w in words]
    out: list[Word] = []
    line = max((w.line for w in words), default=0) + 1
    for table in find_ruled_tables(clean.width, clean.height, [], edges(hs, vs, 1.0), 0):
        for row in table.rows:
            for cell in row:
                if cell.merged or cell.bbox is None:
                    continue
                x0, top, x1, bottom = cell.bbox
                if any(x0 <= cx < x1 and top <= cy < bottom for cx, cy in centres):
                    continue
                ink = _ink(clean, (int(x0) + 3, int(top) + 3, int(x1) - 3, int(bottom) - 3))
                if ink is None:
                    continue
                read = engine.read_crop(clean.crop(ink))
                if read is None or not read[0].strip():
                    continue
                text, conf = read
                out.append(Word(text.strip(), ink[0], ink[1], ink[2], ink[3], conf, line, True))
                line += 1
    return out


STROKES = frozenset("1lI|/\\")


def _strokes(words: list[Word], img: Any) -> None:
    """Every lone stroke (a line of one character: '1', '/', '|') told by its slant in the image."""
    count: dict[int, int] = {}
    for w in words:
        count[w.line] = count.get(w.line, 0) + 1
    for w in words:
        if count[w.line] == 1 and w.text in STROKES:
            ink = _ink(img, (int(w.x0) - 2, int(w.top), int(w.x1) + 2, int(w.bottom)), min_dark=6)
            if ink is not None:
                w.text = _stroke(img.crop(ink)) or w.text


def _stroke(img: Any) -> str | None:
    """A lone stroke told by its slant: '/' (a cell's "none") leans right, '1' stands upright; recognisers read a
    slash alone as a one."""
    w, h = img.size
    if h < 6:
        return None
    px = img.load()

    def mean_x(rows: range) -> float | None:
        xs = [x for y in rows for x in range(w) if px[x, y] < 128]
        return sum(xs) / len(xs) if xs else None

    top, bottom = mean_x(range(h // 3)), mean_x(range(h - h // 3, h))
    if top is None or bottom is None:
        return None
    lean = (top - bottom) / h
    return "/" if lean > 0.2 else "\\" if lean < -0.2 else "1" if w < 0.6 * h else None


def _ink(img: Any, box: tuple[int, int, int, int], min_dark: int = 12) -> tuple[int, int, int, int] | None:
    """The box of the dark pixels inside box (page pixels), None when there are too few to be a mark."""
    from PIL import ImageOps

    if box[2] - box[0] < 4 or box[3] - box[1] < 4:
        return None
    crop = img.crop(box)
    mask = ImageOps.invert(crop).point(lambda v: 255 if v > 110 else 0)
    bb = mask.getbbox()
    if bb is None or (mask.histogram()[255] if mask.mode == "L" else 0) < min_dark:
        return None
    return box[0] + bb[0], box[1] + bb[1], box[0] + bb[2], box[1] + bb[3]


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
    for w in _split_at_walls(words, walls):
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


def _split_at_walls(words: list[Word], walls: Sequence[tuple[float, float, float]], gap: float = 4.0) -> list[Word]:
    """A word the engine read across a vertical ruling ("(t·km))(tCO2e)" over two header cells) cut in two there,
    the characters shared out by position; and between two characters of a line on either side of a ruling a gap
    is kept, so the text on its two sides is two runs (two cells), not one that overflows."""
    out = _cut_words(words, walls, gap)
    lines: dict[int, list[Word]] = {}
    for w in out:
        lines.setdefault(w.line, []).append(w)
    for ln in lines.values():
        ln.sort(key=lambda w: w.x0)
        for a, b in zip(ln, ln[1:]):
            ca, cb = (a.x0 + a.x1) / 2, (b.x0 + b.x1) / 2
            wall = next((x for x, t, bt in walls if ca < x <= cb and t <= b.bottom and bt >= b.top), None)
            if wall is not None and b.x0 - a.x1 < 2 * gap:
                a.x1 = max(a.x0 + 1, min(a.x1, wall - gap))
                b.x0 = min(b.x1 - 1, max(b.x0, wall + gap))
    return out


def _cut_words(words: list[Word], walls: Sequence[tuple[float, float, float]], gap: float) -> list[Word]:
    out: list[Word] = []
    todo = [Word(w.text, w.x0, w.top, w.x1, w.bottom, w.conf, w.line, w.space) for w in words]
    while todo:
        w = todo.pop()
        n = len(w.text)
        cut = next((x for x, t, b in walls if w.x0 + gap < x < w.x1 - gap and t <= w.bottom and b >= w.top), None)
        if cut is None or n < 2:
            out.append(w)
            continue
        k = min(n - 1, max(1, round((cut - w.x0) / (w.x1 - w.x0) * n)))
        todo.append(Word(w.text[:k], w.x0, w.top, cut - gap, w.bottom, w.conf, w.line, w.space))
        todo.append(Word(w.text[k:], cut + gap, w.top, w.x1, w.bottom, w.conf, w.line, False))
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


MAX_PIXELS = 36_000_000         # a page is rendered at most this big (an A0 poster at 200 dpi is 62 MP)


def page_dpi(page: Page, dpi: int) -> int:
    """The resolution a page is read at: `dpi`, lowered for a page so large that it would exceed MAX_PIXELS."""
    area = max(1.0, page.width * page.height) / (72 * 72)          # square inches
    return max(36, min(dpi, int((MAX_PIXELS / area) ** 0.5)))


def ocr_page(engine: Engine, pdf: Any, page: Page, dpi: int, cache: Any, previous: Page | None,
             tables: TablePolicy | None) -> PageRead:
    """Read one page (from the cache when its image was read before)."""
    dpi = page_dpi(page, dpi)
    rgb = render(pdf, page.number, dpi)
    key = image_key(rgb, dpi, engine)
    hit = cache.get(key) if cache is not None else None
    if hit is None:
        # a fresh reading goes through the same JSON as a cached one: a re-audit reads exactly the same page
        hit = read_image(engine, rgb, dpi).to_json()
        if cache is not None:
            cache.put(key, hit)
    read = PageRead.from_json(hit)
    assemble(read, page, dpi, previous, tables)
    return read
