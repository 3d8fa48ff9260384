"""Reading PDFs: from the file's bytes to typed pages (prose with every character's box, tables as grids).

    document   the types every reader produces, and PdfError
    guard      what is refused before parsing (not a PDF, bombs, page limits) and the audit deadline
    pdfium     the pdfium page source (characters and path edges), page images
    pdfminer   the pdfminer page source, for files pdfium refuses
    ocr        the OCR page source, for pages without a text layer
    assemble   one page assembler: ruled tables, prose lines, then unruled tables (layout)
    reader     open_document: owns the opened file and hands OCR the document it opened

Nothing here knows what a carbon-footprint report is: which unruled tables to keep is the caller's policy.
"""
from .document import Cell, Document, Glyph, Page, PdfError, Table, TablePolicy, TextFlow
from .reader import open_document, sha256_file

__all__ = ["Cell", "Document", "Glyph", "Page", "PdfError", "Table", "TablePolicy", "TextFlow", "open_document",
           "sha256_file"]
