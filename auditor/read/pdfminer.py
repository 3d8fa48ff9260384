"""The pdfminer page source (through pdfplumber): for files pdfium refuses, and to compare the two readings."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ..i18n import T
from .assemble import assemble_page, tables_from_finder
from .document import Page, PdfError, TablePolicy


def pdfminer_page(plumber: Any, i: int, previous: Page | None, accept: TablePolicy | None = None) -> Page:
    """Page i (0-based) of an open pdfplumber document."""
    p = plumber.pages[i]
    try:
        return read_page(p, i + 1, previous, accept)
    finally:
        p.close()


def close_pdfminer(plumber: Any) -> None:
    if plumber is None:
        return
    try:
        plumber.close()
    except Exception:  # pdfminer re-raises its parse error on close: the one raised before counts
        pass


def open_pdfminer(path: Path, password: str | None) -> Any:
    import logging

    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    # pdfminer logs a warning per glyph of some fonts (Type 3 without FontBBox): noise, not findings
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        return pdfplumber.open(path, password=password or "")
    except (PDFPasswordIncorrect, PDFEncryptionError) as e:
        raise PdfError("encrypted", T("error.encrypted-no-password", name=path.name)) from e
    except PDFSyntaxError as e:
        raise PdfError("unreadable", T("error.damaged-detail", name=path.name, error=str(e))) from e
    except Exception as e:  # pdfminer raises many things on hostile input (pdfplumber wraps them)
        if _is_encryption_error(e):
            raise PdfError("encrypted", T("error.encrypted-detail", name=path.name, error=str(e))) from e
        raise PdfError("unreadable", T("error.parse-failed", name=path.name,
                                       error=f"{type(e).__name__}: {e}")) from e


def _is_encryption_error(e: BaseException) -> bool:
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    seen = [e, *[a for a in getattr(e, "args", ()) if isinstance(a, BaseException)], e.__cause__, e.__context__]
    return any(isinstance(x, (PDFPasswordIncorrect, PDFEncryptionError)) or (
        x is not None and ("password" in repr(x).lower() or "encrypt" in type(x).__name__.lower())) for x in seen)


def read_page(p: Any, number: int, previous: Page | None = None, accept: TablePolicy | None = None) -> Page:
    """A page from pdfplumber's (pdfminer's) reading: its table finder on its own objects."""
    return assemble_page(number, float(p.width), float(p.height), tables_from_finder(p.find_tables(), number),
                         p.chars, len(p.images), previous, accept)
