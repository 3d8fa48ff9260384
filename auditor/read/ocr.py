"""OCR of pages without a text layer (scanned reports), fed to the same parser as text pages.

A page to read is rendered at 300 dpi with pypdfium2. Table rulings are found in the image (long dark runs of
pixels) and handed to pdfplumber's table finder as explicit lines, so a scanned table gets the same cells,
merged cells included, as a drawn one. The rulings are erased, each cell is cropped and read on its own (far
more reliable than reading a table as running text), and the rest of the page is read as prose. Tesseract is
called as a program (TSV output), so there is no Python dependency on it; every word keeps its confidence and
box, and so does every number read from it (Quantity.confidence).

Modes: auto reads pages with images but no characters; force reads every page (its text layer is replaced);
off reads none. Without Tesseract the report says how to install it and the rest is audited.
AUDITOR_TESSERACT names the program if it is not on PATH; AUDITOR_OCR_KEEP=DIR keeps the page and cell images.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..model import ExtractionNote, Location
from ..numbers import fold
from .document import CJK, Cell, Document, Glyph, Page, Table, TablePolicy, TextFlow, join_cell_text

DPI = 300                      # pages are rendered at this for rulings and cells
PROSE_DPI = 200                # running text is read at this: as good for 10-pt text, a third faster
PROSE_PSM = 3                  # automatic page segmentation for running text
LOW_CONFIDENCE = 80.0          # below this a number read by OCR is flagged (0-100, Tesseract's word confidence)
INSTALL_HINT = ('install Tesseract with Chinese (Debian/Ubuntu: apt-get install tesseract-ocr tesseract-ocr-chi-sim) '
                'and the OCR extra (pip install "pcf-auditor[ocr]")')


@dataclass
class Word:
    text: str
    x0: float          # PDF points, page top-left origin
    top: float
    x1: float
    bottom: float
    conf: float | None
    line: tuple[int, int, int] = (0, 0, 0)   # Tesseract's block, paragraph, line


# ---------------------------------------------------------------- tesseract


def tesseract_path() -> str | None:
    return os.environ.get("AUDITOR_TESSERACT") or shutil.which("tesseract")


@lru_cache(maxsize=4)
def languages(exe: str) -> frozenset[str]:
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(x.strip() for x in (out.stdout + out.stderr).splitlines()[1:] if x.strip())


def _env() -> dict[str, str]:
    # one thread per process: Tesseract's own threads fight each other; pages run in parallel instead
    return {**os.environ, "OMP_THREAD_LIMIT": "1"}


def run_tesseract(exe: str, images: list[Path], lang: str, psm: int,
                  extra: list[str] | None = None) -> list[list[Word]]:
    """Words of each image (pixels), one Tesseract process for the whole list."""
    if not images:
        return []
    with tempfile.TemporaryDirectory(prefix="auditor-ocr-") as tmp:
        listing = Path(tmp) / "images.txt"
        listing.write_text("\n".join(str(p) for p in images) + "\n", encoding="utf-8")
        proc = subprocess.run([exe, str(listing), "stdout", "-l", lang, "--psm", str(psm), *(extra or []), "tsv"],
                              capture_output=True, text=True, env=_env(), timeout=600)
    out: list[list[Word]] = [[] for _ in images]
    for row in proc.stdout.splitlines()[1:]:
        f = row.split("\t")
        if len(f) < 12 or f[0] != "5" or not f[11].strip():
            continue
        page = int(f[1]) - 1
        if 0 <= page < len(out):
            left, top, width, height = (int(x) for x in f[6:10])
            conf = float(f[10])
            out[page].append(Word(f[11].strip(), left, top, left + width, top + height, conf if conf >= 0 else None,
                                  (int(f[2]), int(f[3]), int(f[4]))))
    return out


def run_parallel(exe: str, images: list[Path], lang: str, psm: int,
                 extra: list[str] | None = None) -> list[list[Word]]:
    """Split the images over a few Tesseract processes."""
    n = max(1, min(len(images), os.cpu_count() or 1, 4))
    chunks = [images[i::n] for i in range(n)]
    with ThreadPoolExecutor(max_workers=n) as pool:
        results = list(pool.map(lambda c: run_tesseract(exe, c, lang, psm, extra), chunks))
    out: list[list[Word]] = [[] for _ in images]
    for k, chunk_words in enumerate(results):
        for j, words in enumerate(chunk_words):
            out[k + j * n] = words
    return out


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


def _runs(img, min_len: int) -> list[tuple[int, int, int]]:
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
    """Runs on neighbouring pixel rows that overlap or touch make one ruling (a skewed line is a staircase)."""
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


def rulings(img, dpi: int = DPI) -> tuple[list[Ruling], list[Ruling]]:
    """Horizontal and vertical table rulings in a grayscale page image (pixels). Vertical ones must end on
    horizontal ones, so the strokes of large characters are not taken for lines."""
    from PIL import Image

    hs = [r for r in _merge_runs(_runs(img, int(dpi * 0.3))) if r.c1 - r.c0 <= dpi * 0.04]
    if len(hs) < 2:
        return hs, []
    vs_all = _merge_runs(_runs(img.transpose(Image.Transpose.TRANSPOSE), int(dpi * 0.08)))
    tol = dpi * 0.03
    vs = []
    for v in vs_all:
        if v.c1 - v.c0 > dpi * 0.04:
            continue
        ends = [h for h in hs if h.a0 - tol <= v.pos <= h.a1 + tol]
        if any(abs(h.pos - v.a0) <= tol for h in ends) and any(abs(h.pos - v.a1) <= tol for h in ends):
            vs.append(v)
    hs = [h for h in hs if any(h.a0 - tol <= v.pos <= h.a1 + tol and v.a0 - tol <= h.pos <= v.a1 + tol for v in vs)]
    return hs, vs


def erase(img, hs: list[Ruling], vs: list[Ruling], pad: int = 2):
    from PIL import ImageDraw

    out = img.copy()
    d = ImageDraw.Draw(out)
    for r in hs:
        d.rectangle([r.a0 - pad, r.c0 - pad, r.a1 + pad, r.c1 + pad], fill=255)
    for r in vs:
        d.rectangle([r.c0 - pad, r.a0 - pad, r.c1 + pad, r.a1 + pad], fill=255)
    return out


def _edges(hs: list[Ruling], vs: list[Ruling], scale: float) -> tuple[list[dict], list[dict]]:
    def edge(x0, top, x1, bottom, o):
        return {"x0": x0, "x1": x1, "top": top, "bottom": bottom, "width": x1 - x0, "height": bottom - top,
                "orientation": o, "object_type": "line_edge"}

    h = [edge(r.a0 / scale, r.pos / scale, r.a1 / scale, r.pos / scale, "h") for r in hs]
    v = [edge(r.pos / scale, r.a0 / scale, r.pos / scale, r.a1 / scale, "v") for r in vs]
    return h, v


# ---------------------------------------------------------------- words -> lines, cells


def _is_cjk(ch: str) -> bool:
    return bool(ch) and bool(CJK.match(ch))


def line_flow(words: list[Word], page: int) -> TextFlow:
    """Words of one printed line -> a TextFlow; each character gets a share of its word's box and the word's
    confidence. No space between two CJK characters (Tesseract puts one between Chinese words)."""
    text: list[str] = []
    glyphs: list[Glyph | None] = []
    for w in sorted(words, key=lambda w: w.x0):
        t = fold(w.text)
        if not t:
            continue
        if text and not (_is_cjk(text[-1]) and _is_cjk(t[0])):
            text.append(" ")
            glyphs.append(None)
        step = (w.x1 - w.x0) / len(t)
        for i, ch in enumerate(t):
            text.append(ch)
            glyphs.append(Glyph(page, w.x0 + i * step, w.top, w.x0 + (i + 1) * step, w.bottom, w.conf))
    return TextFlow("".join(text), glyphs)


def group_lines(words: list[Word]) -> list[list[Word]]:
    """Words into printed lines, top to bottom: Tesseract's lines (it follows a skewed baseline), and lines it
    put in different blocks on the same baseline (the cells of an unruled table row) joined."""
    by_id: dict[tuple[int, int, int], list[Word]] = {}
    for w in words:
        by_id.setdefault(w.line, []).append(w)
    lines = sorted(by_id.values(), key=lambda ln: min(x.top for x in ln))
    out: list[list[Word]] = []
    for ln in lines:
        t, b = min(x.top for x in ln), max(x.bottom for x in ln)
        x0, x1 = min(x.x0 for x in ln), max(x.x1 for x in ln)
        for other in out:
            ot, ob = min(x.top for x in other), max(x.bottom for x in other)
            ox0, ox1 = min(x.x0 for x in other), max(x.x1 for x in other)
            same_row = abs((t + b) / 2 - (ot + ob) / 2) < 0.35 * min(b - t, ob - ot)
            if same_row and (x1 <= ox0 or x0 >= ox1):
                other.extend(ln)
                break
        else:
            out.append(list(ln))
    out.sort(key=lambda ln: min(x.top for x in ln))
    return out


def _speck(line: list[Word]) -> bool:
    """A 'line' Tesseract made of a speck of noise: a few characters, all read with little confidence."""
    text = "".join(w.text for w in line)
    return len(text) <= 3 and all(w.conf is not None and w.conf < 50 for w in line)


def cell_text(words: list[Word]) -> tuple[str, float | None]:
    flows = [line_flow(ln, 0) for ln in group_lines(words)]
    text = join_cell_text("\n".join(f.text for f in flows))
    confs = [w.conf for w in words if w.conf is not None]
    return text, (min(confs) if confs else None)


# ---------------------------------------------------------------- pages

CELL_SCALE = 0.6        # cells are read at 180 dpi: Tesseract's Chinese model reads table text better there
NUMBER_LIKE = re.compile(r"^[\s\d.,:;·%+\-−]*\d[\s\d.,:;·%+\-−]*$")
WHITELIST_DIGITS = "0123456789.,-%"


@dataclass
class _PageJob:
    page: Page
    tables: list                      # pdfplumber tables (explicit rulings)
    prose_png: Path
    offset: tuple[int, int] = (0, 0)  # where the prose image was cropped from (pixels at PROSE_DPI)


@dataclass
class CellRead:
    text: str
    conf: float | None


def _render(pdf, numbers: list[int], dpi: int):
    """The pages of the pdfium document already open (so an encrypted file stays open with its password)."""
    out = {}
    for n in numbers:
        page = pdf[n - 1]
        try:
            out[n] = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        finally:
            page.close()
    return out


def _crop(img, box_px, pad: int = 12, scale: float = CELL_SCALE):
    """The inked part of a cell, scaled and framed in white; None for an empty cell."""
    from PIL import Image, ImageOps

    crop = img.crop(box_px)
    bb = ImageOps.invert(crop).point(lambda v: 255 if v > 110 else 0).getbbox()
    if bb is None:
        return None
    crop = crop.crop(bb)
    if scale != 1:
        crop = crop.resize((max(1, round(crop.width * scale)), max(1, round(crop.height * scale))),
                           Image.Resampling.LANCZOS)
    out = Image.new("L", (crop.width + 2 * pad, crop.height + 2 * pad), 255)
    out.paste(crop, (pad, pad))
    return out


def read_cells(exe: str, pngs: list[Path], lang: str) -> list[CellRead]:
    """Each cell read as a block of text; then every cell that looks like a number (or came back empty) is read
    again as one line, digits only for numbers. Two readings of a number that disagree are not trusted: the
    better one is kept with a confidence capped under the threshold."""
    first = [CellRead(*cell_text(ws)) for ws in run_parallel(exe, pngs, lang, 6)]
    numeric = [i for i, r in enumerate(first) if NUMBER_LIKE.match(r.text)]
    blank = [i for i, r in enumerate(first) if not r.text]
    digits = run_parallel(exe, [pngs[i] for i in numeric], "eng", 7,
                          ["-c", f"tessedit_char_whitelist={WHITELIST_DIGITS}"]) if numeric else []
    for i, ws in zip(numeric, digits):
        again = CellRead(*cell_text(ws))
        a, b = _plain(first[i].text), _plain(again.text)
        if a == b:
            first[i] = CellRead(again.text, max(x for x in (first[i].conf, again.conf, 0) if x is not None))
            continue
        best = max((first[i], again), key=lambda r: (_is_number(r.text), r.conf or 0))
        cap = min(x for x in (first[i].conf, again.conf, LOW_CONFIDENCE - 1) if x is not None)
        first[i] = CellRead(best.text, cap)
    # Tesseract now and then returns nothing for a clean one-line cell at some sizes: read it as a raw line,
    # then larger
    for psm, scale in ((13, 1.0), (7, 1.5)):
        blank = [i for i in blank if not first[i].text]
        if not blank:
            break
        imgs = [_rescaled(pngs[i], scale) for i in blank]
        for i, ws in zip(blank, run_parallel(exe, imgs, lang, psm)):
            first[i] = CellRead(*cell_text(ws))
    return first


def _rescaled(png: Path, scale: float) -> Path:
    if scale == 1:
        return png
    from PIL import Image

    out = png.with_name(f"{png.stem}-x{scale}.png")
    with Image.open(png) as im:
        im.resize((round(im.width * scale), round(im.height * scale)), Image.Resampling.LANCZOS).save(out)
    return out


def _plain(t: str) -> str:
    return t.replace(" ", "")


def _is_number(t: str) -> bool:
    from ..numbers import parse_number

    return parse_number(t.replace(" ", "")) is not None


def ocr_missing_pages(doc: Document, pdf: Any, mode: str = "auto", tables: TablePolicy | None = None) -> None:
    """OCR the pages that need it (see module doc) and put their lines and tables into doc. `pdf`: the
    pypdfium2 document open_document read (opened with its password): the file is not opened again."""
    if mode == "off":
        return
    targets = [p for p in doc.pages if mode == "force" or (p.chars == 0 and p.images > 0)]
    if not targets:
        return
    exe = tesseract_path()
    pages = ", ".join(str(p.number) for p in targets)
    if exe is None:
        doc.notes.append(ExtractionNote(
            code="ocr-unavailable", severity="warning",
            message=f"page(s) {pages} have no text layer and were not read: Tesseract is not installed; "
                    f"{INSTALL_HINT}"))
        return
    try:
        import PIL  # noqa: F401
        import pypdfium2  # noqa: F401
    except ImportError:
        doc.notes.append(ExtractionNote(code="ocr-unavailable", severity="warning",
                                        message=f"page(s) {pages} were not read: pypdfium2/Pillow missing; "
                                                f"{INSTALL_HINT}"))
        return
    langs = languages(exe)
    lang = "+".join(x for x in ("chi_sim", "eng") if x in langs) or "eng"
    if "chi_sim" not in langs:
        doc.notes.append(ExtractionNote(code="ocr-unavailable", severity="warning",
                                        message=f"Tesseract has no Chinese model (chi_sim): Chinese text on page(s) "
                                                f"{pages} cannot be read; {INSTALL_HINT}"))
    read_pages(doc, pdf, targets, exe, lang, tables=tables)


def read_pages(doc: Document, pdf: Any, targets: list[Page], exe: str, lang: str, dpi: int = DPI,
               tables: TablePolicy | None = None) -> None:
    from pdfplumber.table import TableFinder
    from PIL import Image, ImageDraw, ImageOps

    from .assemble import EdgePage

    images = _render(pdf, [p.number for p in targets], dpi)
    scale = dpi / 72
    jobs: list[_PageJob] = []
    with tempfile.TemporaryDirectory(prefix="auditor-ocr-") as tmp_name:
        tmp = Path(os.environ.get("AUDITOR_OCR_KEEP") or tmp_name)   # keep the images for a look when debugging
        tmp.mkdir(parents=True, exist_ok=True)
        cell_pngs: list[Path] = []
        cell_refs: list[tuple[int, tuple]] = []
        for page in targets:
            img = images[page.number]
            hs, vs = rulings(img, dpi)
            found = []
            if len(hs) >= 2 and len(vs) >= 2:
                h, v = _edges(hs, vs, scale)
                settings = {"vertical_strategy": "explicit", "horizontal_strategy": "explicit",
                            "explicit_vertical_lines": v, "explicit_horizontal_lines": h}
                # explicit lines only: the table finder reads nothing of the page but its size
                blank: Any = EdgePage(page.width, page.height, [], [])   # a stand-in for pdfplumber's Page
                found = [t for t in TableFinder(blank, settings).tables
                         if len(t.rows) >= 1 and max(len(r.cells) for r in t.rows) >= 2]
            clean = erase(img, hs, vs)
            prose = clean.copy()
            draw = ImageDraw.Draw(prose)
            for t in found:
                x0, top, x1, bottom = (v * scale for v in t.bbox)
                draw.rectangle([x0 - 4, top - 4, x1 + 4, bottom + 4], fill=255)
                for row in t.rows:
                    for bbox in row.cells:
                        if bbox is None:
                            continue
                        box = tuple(int(round(v * scale)) for v in bbox)
                        crop = _crop(clean, (box[0] + 3, box[1] + 3, box[2] - 3, box[3] - 3))
                        if crop is None:
                            continue
                        png = tmp / f"c{len(cell_pngs)}.png"
                        crop.save(png)
                        cell_pngs.append(png)
                        cell_refs.append((len(jobs), bbox))
            job = _PageJob(page=page, tables=found, prose_png=tmp / f"p{page.number}.png")
            k = PROSE_DPI / dpi
            small = prose.resize((round(prose.width * k), round(prose.height * k)), Image.Resampling.LANCZOS)
            # only the inked part: Tesseract's layout analysis costs time in proportion to the area
            ink = ImageOps.invert(small).point(lambda v: 255 if v > 110 else 0).getbbox()
            if ink is not None:
                ink = (max(0, ink[0] - 20), max(0, ink[1] - 20), min(small.width, ink[2] + 20),
                       min(small.height, ink[3] + 20))
                small = small.crop(ink)
                job.offset = (ink[0], ink[1])
            small.save(job.prose_png)
            jobs.append(job)
        prose_words = run_parallel(exe, [j.prose_png for j in jobs], lang, PROSE_PSM)
        cells = read_cells(exe, cell_pngs, lang)
    by_page: dict[int, dict[tuple, CellRead]] = {}
    for (k, bbox), read in zip(cell_refs, cells):
        by_page.setdefault(k, {})[bbox] = read
    for k, job in enumerate(jobs):
        words = [_to_points(w, PROSE_DPI / 72, *job.offset) for w in prose_words[k]]
        _fill_page(job, words, by_page.get(k, {}), doc, tables)


def _to_points(w: Word, scale: float, dx: float = 0, dy: float = 0) -> Word:
    return Word(w.text, (w.x0 + dx) / scale, (w.top + dy) / scale, (w.x1 + dx) / scale, (w.bottom + dy) / scale,
                w.conf, w.line)


def _fill_page(job: _PageJob, words: list[Word], cells: dict[tuple, CellRead], doc: Document,
               tables: TablePolicy | None = None) -> None:
    from .assemble import finish_page, grid

    page = job.page

    def cell(r: int, c: int, bbox: tuple[float, float, float, float]) -> Cell:
        read = cells.get(bbox, CellRead("", None))
        return Cell(text=read.text, page=page.number, bbox=bbox, conf=read.conf)

    ruled = [Table(page=page.number, bbox=(float(t.bbox[0]), float(t.bbox[1]), float(t.bbox[2]), float(t.bbox[3])),
                   rows=grid(t, page.number, cell)) for t in job.tables]
    flows = [line_flow(ln, page.number) for ln in group_lines(words) if not _speck(ln)]
    previous = next((p for p in doc.pages if p.number == page.number - 1), None)
    page.tables, page.lines = finish_page(page.number, page.height, ruled, flows, previous, tables)
    page.ocr = True


def low_confidence_notes(quantities, threshold: float = LOW_CONFIDENCE) -> list[ExtractionNote]:
    """One warning per number read by OCR with a confidence under the threshold, with the box to look at."""
    out = []
    for where, q in quantities:
        if q is None or q.confidence is None or q.confidence >= threshold:
            continue
        loc = q.location or Location(page=0)
        out.append(ExtractionNote(
            code="ocr-low-confidence", severity="warning", location=q.location, text=q.text,
            message=f"{where}: '{q.text}' was read by OCR with confidence {q.confidence:.0f} (< {threshold:.0f}) "
                    f"on page {loc.page}; check the digits against the page"))
    return out
