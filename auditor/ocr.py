"""OCR of pages without a text layer (filled in by the OCR work; the reader calls it)."""
from __future__ import annotations


def ocr_missing_pages(doc, path, mode: str = "auto") -> None:
    return None
