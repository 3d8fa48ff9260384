"""The reader: opens a PDF once, guards it, reads every page from a page source (pdfium; pdfminer when pdfium
refuses the file or when asked) and hands the pages without a text layer to OCR with the document it opened.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..i18n import T
from ..model import ExtractionNote
from .assemble import assemble_page, find_ruled_tables
from .document import Document, Page, PdfError, TablePolicy
from .guard import AuditTimeout, Limits, check_streams, sniff
from .ocr import OcrOptions, why_ocr
from .pdfium import encryption_summary, metadata, open_pdfium, read_pdfium_page, unsupported_filter
from .pdfminer import close_pdfminer, open_pdfminer, pdfminer_page

Progress = Callable[[str, int, int], None]
PageSource = Callable[[int, "Page | None"], Page]


def preload() -> None:
    """Import the PDF libraries' pieces the pdfium reader uses (pdfium, pdfplumber's table finder)."""
    from . import plumber
    from .pdfium import raw_pdfium

    raw_pdfium()

    plumber.table_finder()


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def open_document(path: str | Path, ocr: str | OcrOptions = "auto", sha256: str | None = None, password: str | None = None,
                  limits: Limits | None = None, parser: str | None = None, progress: Progress | None = None,
                  tables: TablePolicy | None = None) -> Document:
    """Read a PDF into a Document. Raises PdfError with a stable code when it cannot.

    pdfium (C, a few ms a page) reads every page's characters with their boxes and the straight segments of
    its paths; pdfplumber's table finder and text-line builder then run on those, so no page pays for pdfminer's
    pure-Python content-stream interpreter. `parser="pdfplumber"` (or AUDITOR_PARSER=pdfplumber) reads every page
    with pdfplumber instead: slower, kept to compare the two readings.

    The file is read once: its bytes are hashed, sniffed, measured for bombs and handed to pdfium. A PdfError
    raised after the read carries the digest in `.sha256`. `sha256`: the digest, when the caller knows it.
    `progress`: called as progress("reading", pages_done, pages) after each page.
    `password`: opens an encrypted file. `limits`: pages and stream sizes refused before parsing.
    `ocr`: a mode (auto, off, force) or OcrOptions (engine, dpi, cache): see auditor.read.ocr.
    `tables`: which unruled tables to keep (the report reader's `knows_table`); None keeps every candidate."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise PdfError("unreadable", T("error.cannot-open", path=str(path), why=str(e.strerror or e))) from e
    digest = sha256 or hashlib.sha256(data).hexdigest()
    parser = parser or os.environ.get("AUDITOR_PARSER", "pdfium")
    if parser not in ("pdfium", "pdfplumber"):
        raise ValueError(f"parser must be pdfium or pdfplumber, not {parser!r}")
    reader = Reader(path, data, digest, OcrOptions.of(ocr), password, limits or Limits(), parser, progress, tables)
    try:
        return reader.read()
    except PdfError as e:
        e.sha256 = digest
        raise


@dataclass
class Reader:
    """One file's reading: its bytes (read once), password, limits and table policy."""
    path: Path
    data: bytes
    digest: str
    ocr: OcrOptions
    password: str | None
    limits: Limits
    parser: str
    progress: Progress | None
    tables: TablePolicy | None

    def read(self) -> Document:
        sniff(self.path.name, self.data)
        check_streams(self.path.name, self.data, self.limits)
        try:
            fast = open_pdfium(self.path, self.data, self.password)
        except PdfError as e:
            if e.code != "unreadable":
                raise
            return self._read_refused(e)
        try:
            n = len(fast)
            self._check_page_count(n)
            producer = metadata(fast).get("Producer")
            plumber = open_pdfminer(self.path, self.password) if self.parser == "pdfplumber" else None
            try:
                def page(i: int, previous: Page | None) -> Page:
                    if plumber is not None:
                        return pdfminer_page(plumber, i, previous, self.tables)
                    quick = read_pdfium_page(fast, i)
                    found = find_ruled_tables(quick.width, quick.height, quick.chars, quick.edges, i + 1)
                    built = assemble_page(i + 1, quick.width, quick.height, found, quick.chars, quick.images,
                                          previous, self.tables)
                    built.invisible = quick.invisible
                    return built

                pages = self._read_pages(n, page)
            finally:
                close_pdfminer(plumber)
            doc = Document(path=str(self.path), sha256=self.digest, pages=pages,
                           producer=str(producer) if producer else None)
            if any(why_ocr(p, self.ocr.mode) for p in doc.pages):
                from .ocr import ocr_missing_pages  # (the engines are imported only when a page needs one)

                # the document already open (with its password) renders the pages: the file is not reopened
                ocr_missing_pages(doc, fast.rendering(), mode=self.ocr, tables=self.tables, progress=self.progress)
        finally:
            fast.close()
        return doc

    def _read_refused(self, refused: PdfError) -> Document:
        """pdfium refuses some files pdfminer reads (a damaged catalog, metadata it cannot parse): read those with
        pdfplumber before calling them unreadable, and say so; a file neither reads gets the real reason."""
        path = self.path
        unsupported = unsupported_filter(self.data)
        if unsupported:
            raise PdfError("unreadable", T("error.unsupported-filter", name=path.name, filter=unsupported)) \
                from refused
        try:
            doc = self._read_plumber_only()
        except (PdfError, MemoryError, AuditTimeout) as e2:
            if isinstance(e2, PdfError) and e2.code == "encrypted":
                raise
            handler = encryption_summary(self.data)
            if handler:   # "Failed to load document (PDFium: Success)" names no reason: the bytes do
                raise PdfError("encrypted", T("error.encryption-handler", name=path.name, handler=handler)) \
                    from refused
            if isinstance(e2, PdfError):
                raise refused from e2
            raise
        why = str(refused.__cause__).rstrip(".") if refused.__cause__ is not None else refused.message
        doc.notes.append(ExtractionNote(code="reader-fallback", severity="info",
                                        message=T("note.reader-fallback", why=why)))
        if any(why_ocr(p, self.ocr.mode) for p in doc.pages):
            doc.notes.append(ExtractionNote(code="ocr-unavailable", severity="warning",
                                            message=T("note.ocr-unavailable-pdfium")))
        return doc

    def _read_plumber_only(self) -> Document:
        """Every page read with pdfplumber (pdfminer), for a file pdfium will not open."""
        plumber = open_pdfminer(self.path, self.password)
        try:
            try:
                n = len(plumber.pages)
                meta = plumber.metadata or {}
            except (MemoryError, AuditTimeout):
                raise
            except Exception as e:
                raise PdfError("unreadable", T("error.parse-failed", name=self.path.name,
                                               error=f"{type(e).__name__}: {e}")) from e
            self._check_page_count(n)
            pages = self._read_pages(n, lambda i, previous: pdfminer_page(plumber, i, previous, self.tables))
        finally:
            close_pdfminer(plumber)
        producer: Any = meta.get("Producer")
        if isinstance(producer, bytes):
            producer = producer.decode("latin-1", "replace")
        return Document(path=str(self.path), sha256=self.digest, pages=pages,
                        producer=str(producer) if producer else None)

    def _check_page_count(self, n: int) -> None:
        name, limit = self.path.name, self.limits.max_pages
        if n == 0:
            raise PdfError("empty", T("error.no-pages", name=name))
        if n > limit:
            raise PdfError("too-many-pages", T("error.too-many-pages", name=name, n=n, limit=limit))

    def _read_pages(self, n: int, page: PageSource) -> list[Page]:
        """page(i, previous) for every page, in order; a page that fails is a PdfError naming it."""
        name = self.path.name
        pages: list[Page] = []
        for i in range(n):
            try:
                pages.append(page(i, pages[-1] if pages else None))
            except (PdfError, MemoryError, AuditTimeout):
                raise
            except Exception as e:
                if "Failed to load page" in str(e) or isinstance(e, IndexError):
                    raise PdfError("unreadable", T("error.page-tree", name=name, page=i + 1, pages=n)) from e
                raise PdfError("unreadable", T("error.page-unreadable", name=name, page=i + 1,
                                               error=f"{type(e).__name__}: {e}")) from e
            if self.progress is not None:
                self.progress("reading", i + 1, n)
        return pages
