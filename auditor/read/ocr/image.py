"""Page images for OCR: rendering, colour stamps taken out, the page turned upright (90/180/270 degrees) and
deskewed, and the table rulings found in the pixels (as edges for pdfplumber's table finder) and erased.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..document import Edge


def render(pdf: Any, number: int, dpi: int) -> Any:
    """Page `number` (1-based) of the open pdfium document as an RGB image."""
    page = pdf[number - 1]
    try:
        return page.render(scale=dpi / 72).to_pil().convert("RGB")
    finally:
        page.close()


def to_gray(img: Any) -> Any:
    """Grayscale for reading. A page with red ink on it (a seal stamped across a table, red annotations) is read
    from its red channel, where red is as light as the paper and black and blue stay dark."""
    import numpy as np

    arr = np.asarray(img.convert("RGB")).astype(np.int16)
    r, g, b = arr[..., 0], arr[..., 1], arr[..., 2]
    red = (r > 120) & (r - g > 60) & (r - b > 60)
    if red.mean() > 0.0005:
        from PIL import Image

        return Image.fromarray(arr[..., 0].astype(np.uint8), "L")
    return img.convert("L")


def _dark(gray: Any, long_side: int = 1000):
    """(ys, xs) of the dark pixels of a reduced copy, and the reduction factor."""
    import numpy as np

    k = min(1.0, long_side / max(gray.size))
    small = gray.resize((max(1, round(gray.width * k)), max(1, round(gray.height * k)))) if k < 1 else gray
    arr = np.asarray(small)
    ys, xs = np.nonzero(arr < 140)
    return ys, xs, small.size


def _profile_score(ys, xs, angle_deg: float, height: int) -> float:
    """How sharply the rows of dark pixels stack into lines when sheared by angle: the variance of the row
    histogram (printed lines give tall narrow peaks; a tilted page smears them)."""
    import math

    import numpy as np

    t = math.tan(math.radians(angle_deg))
    rows = np.round(ys - xs * t).astype(np.int64)
    rows -= rows.min(initial=0)
    hist = np.bincount(rows)
    return float(np.var(hist))


def skew_angle(gray: Any, limit: float = 4.0) -> float:
    """The tilt of the printed lines in degrees (positive: they descend to the right), from the projection
    profile: coarse steps over +-limit, then fine steps around the best."""
    import numpy as np

    ys, xs, (w, h) = _dark(gray)
    if len(ys) < 200:
        return 0.0
    if len(ys) > 200_000:          # a dark page: a sample is as good
        pick = np.random.default_rng(0).choice(len(ys), 200_000, replace=False)
        ys, xs = ys[pick], xs[pick]

    def best(angles):
        return max(angles, key=lambda a: _profile_score(ys, xs, a, h))

    coarse = best([x * 0.25 for x in range(int(-limit * 4), int(limit * 4) + 1)])
    return round(best([coarse + x * 0.025 for x in range(-10, 11)]), 3)


def without_lines(gray: Any, dpi: int) -> Any:
    """A copy with every long straight dark run (table rulings, frames, in either direction) painted white: what
    is left is text."""
    from PIL import Image, ImageDraw

    out = gray.copy()
    d = ImageDraw.Draw(out)
    n = int(dpi * 0.3)
    for y, a, b in _runs(gray, n):
        d.line([(a, y), (b, y)], fill=255)
    for x, a, b in _runs(gray.transpose(Image.Transpose.TRANSPOSE), n):
        d.line([(x, a), (x, b)], fill=255)
    return out


def line_direction(gray: Any, dpi: int = 200) -> float:
    """How much more sharply the page's rows of dark pixels stack into lines than its columns (rulings taken out
    first): well above 1 for lines printed across the page, well below 1 for a page scanned turned by 90 degrees;
    near 1 for a page of tables, whose columns of cells stack too."""
    ys, xs, (w, h) = _dark(without_lines(gray, dpi))
    if len(ys) < 200:
        return 1e9
    rows = max(_profile_score(ys, xs, a, h) for a in (-1.0, 0.0, 1.0))
    cols = max(_profile_score(xs, ys, a, w) for a in (-1.0, 0.0, 1.0))
    return rows / cols if cols else 1e9


def rotate(img: Any, degrees: float) -> Any:
    """Turned counter-clockwise by degrees; the page keeps its size (white fill) unless turned by a right angle."""
    from PIL import Image

    if degrees % 90 == 0:
        return img.rotate(degrees, expand=True) if degrees % 360 else img
    return img.rotate(degrees, resample=Image.Resampling.BICUBIC, fillcolor=255 if img.mode == "L" else "white")


# ---------------------------------------------------------------- rulings


@dataclass
class Ruling:
    a0: float      # along: x0 for horizontal, top for vertical (pixels)
    a1: float
    c0: float      # across: the line's thickness span
    c1: float

    @property
    def pos(self) -> float:
        return (self.c0 + self.c1) / 2


def _runs(img: Any, min_len: int) -> list[tuple[int, int, int]]:
    """(row, start, end) of dark runs at least min_len long in each pixel row of a 1-byte-per-pixel image."""
    w, h = img.size
    data = img.point(lambda v: 0 if v < 150 else 255).tobytes()
    pat = re.compile(rb"\x00{%d,}" % min_len)
    out = []
    for y in range(h):
        for m in pat.finditer(data, y * w, (y + 1) * w):
            out.append((y, m.start() - y * w, m.end() - y * w))
    return out


def _merge_runs(runs: list[tuple[int, int, int]], tol: int = 3) -> list[Ruling]:
    """Runs on neighbouring pixel rows that overlap or touch make one ruling (a residual tilt is a staircase)."""
    rules: list[Ruling] = []
    for y, a, b in sorted(runs):
        for r in reversed(rules):
            if y - r.c1 > tol:
                continue
            if a <= r.a1 + tol and b >= r.a0 - tol:
                r.a0, r.a1, r.c1 = min(r.a0, a), max(r.a1, b), y
                break
        else:
            rules.append(Ruling(a, b, y, y))
    return rules


def _join(rules: list[Ruling], tol: int = 2, gap: int = 3) -> list[Ruling]:
    """Pieces of one line joined: a scanned line that steps a pixel sideways (a residual tilt) or is broken by
    noise comes out of the run merger as pieces side by side, overlapping or a few pixels apart along it."""
    out: list[Ruling] = []
    last: dict[int, Ruling] = {}          # the latest ruling at each rounded position
    for r in sorted(rules, key=lambda r: (r.a0, r.pos)):
        k = round(r.pos)
        for j in range(k - tol, k + tol + 1):
            o = last.get(j)
            if o is not None and r.a0 <= o.a1 + gap and abs(o.pos - r.pos) <= tol:
                o.a1 = max(o.a1, r.a1)
                o.c0, o.c1 = min(o.c0, r.c0), max(o.c1, r.c1)
                break
        else:
            out.append(r)
            last[k] = r
    return out


def rulings(img: Any, dpi: int) -> tuple[list[Ruling], list[Ruling]]:
    """Horizontal and vertical table rulings in a grayscale page image (pixels). Vertical ones must end in
    horizontal ones, so the strokes of large characters are not taken for lines."""
    from PIL import Image

    hs = [r for r in _join(_merge_runs(_runs(img, int(dpi * 0.3)))) if r.c1 - r.c0 <= dpi * 0.04]
    if len(hs) < 2:
        return hs, []
    vs_all = _join(_merge_runs(_runs(img.transpose(Image.Transpose.TRANSPOSE), int(dpi * 0.08))))
    tol = dpi * 0.03
    vs = []
    for v in vs_all:
        if v.c1 - v.c0 > dpi * 0.04:
            continue
        ends = [h for h in hs if h.a0 - tol <= v.pos <= h.a1 + tol]
        # a ruling runs into the lines it joins (its dark run goes on through their pixels); the stroke of a
        # tall letter in a tight row stops short of them, however close. A run longer than any letter (a third of
        # an inch) that ends near them is a ruling too, its ends lost to the scan's noise
        into = any(h.c0 - tol <= v.a0 <= h.c1 + 1 for h in ends) and any(h.c0 - 1 <= v.a1 <= h.c1 + tol for h in ends)
        near = any(abs(h.pos - v.a0) <= tol for h in ends) and any(abs(h.pos - v.a1) <= tol for h in ends)
        if into or (near and v.a1 - v.a0 >= dpi / 3):
            vs.append(v)
    hs = [h for h in hs if any(h.a0 - tol <= v.pos <= h.a1 + tol and v.a0 - tol <= h.pos <= v.a1 + tol for v in vs)]
    return hs, vs


def erase(img: Any, hs: list[Ruling], vs: list[Ruling], pad: int = 2) -> Any:
    from PIL import ImageDraw

    out = img.copy()
    d = ImageDraw.Draw(out)
    for r in hs:
        d.rectangle([r.a0 - pad, r.c0 - pad, r.a1 + pad, r.c1 + pad], fill=255)
    for r in vs:
        d.rectangle([r.c0 - pad, r.a0 - pad, r.c1 + pad, r.a1 + pad], fill=255)
    return out


def edges(hs: list[Ruling], vs: list[Ruling], scale: float) -> list[Edge]:
    """The rulings as pdfplumber's edges, in points (scale: pixels per point)."""
    def edge(x0: float, top: float, x1: float, bottom: float, o: str) -> Edge:
        return {"x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top, "width": x1 - x0,
                "height": bottom - top, "orientation": o, "object_type": "line_edge"}

    return ([edge(r.a0 / scale, r.pos / scale, r.a1 / scale, r.pos / scale, "h") for r in hs]
            + [edge(r.pos / scale, r.a0 / scale, r.pos / scale, r.a1 / scale, "v") for r in vs])
