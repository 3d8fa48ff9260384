"""OCR of the pages a text layer does not give: scanned pages (images, no characters), pages whose text layer is
garbage (unmapped glyphs, private-use code points) and pages whose invisible OCR layer does not match the image
they cover. Each is read by one engine (rapidocr by default, Tesseract as an option; see engines) into the same
typed page as a born-digital page (see page), so tables, relations and every rule run on it unchanged.

Modes: auto reads the pages above; force reads every page (its text layer is replaced); off reads none.
Readings are cached by page-image hash (see cache). Every run is offline: no model or data is fetched.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ...i18n import J, P, T
from ...model import ExtractionNote, Location
from ..document import Document, Page, TablePolicy, unreadable
from .engines import DEFAULT_ENGINE, ENGINES, EngineUnavailable, get_engine

DPI = 200              # pages are rendered at this: 8-point digits are read right, and an A4 page takes ~1.3 s
LOW_CONFIDENCE = 85.0  # a number with a character read under this (0-100) is flagged for a look at the crop;
                       # measured on the scan fixtures: the one digit misread had 76, 5% of the right ones fall under 85
GARBAGE_SHARE = 0.3    # a text layer with more unreadable characters than this is replaced by OCR
LAYER_MATCH = 0.6      # an invisible text layer sharing fewer characters than this with the image is replaced

__all__ = ["DPI", "ENGINES", "DEFAULT_ENGINE", "LOW_CONFIDENCE", "OcrOptions", "ocr_missing_pages",
           "low_confidence_notes", "why_ocr", "unreadable", "EngineUnavailable"]


@dataclass(frozen=True)
class OcrOptions:
    """How pages are OCRed: mode (auto, off, force), engine (rapidocr, tesseract; None: AUDITOR_OCR_ENGINE or
    rapidocr), dpi, and the cache (a folder, "sqlite:DB", "off"; None: the default folder, see cache)."""
    mode: str = "auto"
    engine: str | None = None
    dpi: int = DPI
    cache: str | None = None

    @staticmethod
    def of(value: str | OcrOptions | None) -> OcrOptions:
        if isinstance(value, OcrOptions):
            return value
        return OcrOptions(mode=value or "auto")


def why_ocr(page: Page, mode: str) -> str | None:
    """Why the page is read by OCR (None: it is not)."""
    if mode == "off":
        return None
    if mode == "force":
        return "forced"
    if page.chars == 0:
        return "no text layer" if page.images > 0 else None
    if page.garbage > GARBAGE_SHARE * page.chars:
        return "text layer unreadable"
    if page.images > 0 and page.invisible > 0.5 * page.chars:
        return "invisible text layer"
    return None


def _bag_overlap(a: str, b: str) -> float:
    ca, cb = Counter("".join(a.split())), Counter("".join(b.split()))
    n = max(sum(ca.values()), sum(cb.values()))
    return sum((ca & cb).values()) / n if n else 1.0


def _page_text(page: Page) -> str:
    cells = " ".join(c.text for t in page.tables for row in t.rows for c in row)
    return page.lines.text + " " + cells


Progress = Callable[[str, int, int], None]


def ocr_missing_pages(doc: Document, pdf: Any, mode: str | OcrOptions = "auto", tables: TablePolicy | None = None,
                      progress: Progress | None = None) -> None:
    """OCR the pages that need it (see why_ocr) and put their lines and tables into doc. `pdf`: the pypdfium2
    document open_document read (opened with its password): the file is not opened again."""
    opts = OcrOptions.of(mode)
    targets = [(p, why) for p in doc.pages if (why := why_ocr(p, opts.mode))]
    if not targets:
        return
    pages = J([str(p.number) for p, _ in targets], "and")
    try:
        engine = get_engine(opts.engine)
    except EngineUnavailable as e:
        doc.notes.append(ExtractionNote(code="ocr-unavailable", severity="warning",
                                        message=T("note.ocr-unavailable", n=len(targets), pages=pages,
                                                  error=str(e))))
        return
    from .cache import open_cache
    from .page import ocr_page

    cache = open_cache(opts.cache)
    by_number = {p.number: p for p in doc.pages}
    for done, (page, why) in enumerate(targets, 1):
        kept = None
        if why == "invisible text layer":
            kept = (page.lines, page.tables, page.width, page.height)
            layer = _page_text(page)
        read = ocr_page(engine, pdf, page, opts.dpi, cache, by_number.get(page.number - 1), tables)
        if kept is not None:
            share = _bag_overlap(layer, _page_text(page))
            if share >= LAYER_MATCH:        # the layer says what the image shows: it is exact, keep it
                page.lines, page.tables, page.width, page.height = kept
                page.ocr = False
            else:
                doc.notes.append(ExtractionNote(
                    code="ocr-layer-replaced", severity="warning", location=Location(page=page.number),
                    message=T("note.ocr-layer-mismatch", page=page.number, share=P(share, 0))))
        elif why == "text layer unreadable":
            doc.notes.append(ExtractionNote(
                code="ocr-layer-replaced", severity="info", location=Location(page=page.number),
                message=T("note.ocr-layer-unreadable", page=page.number, n=page.garbage, chars=page.chars)))
        if read.turn and page.ocr:
            doc.notes.append(ExtractionNote(
                code="ocr-page-turned", severity="info", location=Location(page=page.number),
                message=T("note.ocr-upside-down" if read.turn == 180 else "note.ocr-sideways", page=page.number,
                          degrees=(360 - read.turn) % 360)))
        if progress is not None:
            progress("ocr", done, len(targets))
    error = getattr(cache, "error", None)
    if error:
        doc.notes.append(ExtractionNote(code="ocr-cache", severity="info",
                                        message=T("note.ocr-cache-failed", error=error)))
    doc.ocr_engine = engine.version


def low_confidence_notes(quantities, threshold: float = LOW_CONFIDENCE) -> list[ExtractionNote]:
    """One warning per number read by OCR with a confidence under the threshold, with the box to look at."""
    out = []
    for where, q in quantities:
        if q is None or q.confidence is None or q.confidence >= threshold:
            continue
        loc = q.location or Location(page=0)
        out.append(ExtractionNote(
            code="ocr-low-confidence", severity="warning", location=q.location, text=q.text,
            message=T("note.ocr-low-confidence", where=where, text=q.text, confidence=f"{q.confidence:.0f}",
                      threshold=f"{threshold:.0f}", page=loc.page)))
    return out

