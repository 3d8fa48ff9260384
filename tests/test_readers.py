"""The two readers (pdfium by default, pdfplumber/pdfminer with AUDITOR_PARSER=pdfplumber) give the same report,
and the fast cell filler gives what pdfplumber's Table.extract() gives."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.extract import extract
from auditor.read.reader import open_document
from auditor.read.assemble import table_texts

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "pdf"
# LibreOffice and Chromium output, ruled and unruled tables; reportlab's subscripts are read differently (pdfium
# keeps CO2's 2 on the line, pdfminer puts it on a line of its own), so those fixtures are left out here
SAME = ["seed-docx.pdf", "seed-html.pdf", "synth-9-unruled-html.pdf", "synth-21-long-noheader-docx.pdf"]


def _report(name: str, parser: str) -> dict:
    r = extract(open_document(FIXTURES / name, ocr="off", parser=parser))
    return json.loads(r.model_dump_json(exclude={"path"}))


def _without_boxes(o):
    if isinstance(o, dict):
        return {k: _without_boxes(v) for k, v in o.items() if k not in ("bbox", "location")}
    if isinstance(o, list):
        return [_without_boxes(x) for x in o]
    return o


@pytest.mark.parametrize("name", SAME)
def test_both_readers_give_the_same_report(name):
    assert _without_boxes(_report(name, "pdfium")) == _without_boxes(_report(name, "pdfplumber"))


@pytest.mark.parametrize("name", ["seed-docx.pdf", "synth-7-wide-html.pdf", "synth-21-long-reportlab.pdf"])
def test_cell_texts_match_pdfplumber_extract(name):
    import pdfplumber

    tables = 0
    with pdfplumber.open(FIXTURES / name) as pdf:
        for page in pdf.pages:
            for t in page.find_tables():
                tables += 1
                assert table_texts(t) == t.extract(), (name, page.page_number)
    assert tables >= 3


def test_the_readers_own_pdfium_declarations_match_pypdfium2s():
    """auditor.read.pdfium_c declares the pdfium functions the reader calls (pypdfium2_raw declares all 600, 30 ms
    of every run): each must exist in pypdfium2's bindings with the same parameters and result kinds."""
    import ctypes

    import pypdfium2_raw as generated

    from auditor.read import pdfium_c

    def kind(t):
        if t is None:
            return None
        if t is pdfium_c.HANDLE or (isinstance(t, type) and issubclass(t, ctypes._Pointer)
                                     and t._type_.__name__.startswith("struct_fpdf")):
            return "handle"
        if isinstance(t, type) and issubclass(t, ctypes._Pointer):
            return ("pointer", ctypes.sizeof(t._type_) if t._type_ is not None else None)
        if t is ctypes.c_void_p:
            return "handle"
        return ctypes.sizeof(t)

    assert pdfium_c.load() is not None, "the library pypdfium2 ships is found"
    for name, (argtypes, restype) in pdfium_c.FUNCTIONS.items():
        theirs = getattr(generated, name)
        assert len(argtypes) == len(theirs.argtypes), name
        for ours, their in zip(argtypes, theirs.argtypes):
            k = kind(ours)
            if k == "handle":       # an opaque handle, a void* or a buffer: pointers alike
                assert kind(their) in ("handle", ("pointer", None)) or issubclass(their, ctypes._Pointer), name
            else:
                assert k == kind(their), (name, ours, their)
        assert kind(restype) == kind(theirs.restype) or (kind(restype) == "handle"), name
    for name, value in pdfium_c.CONSTANTS.items():
        assert getattr(generated, name) == value, name
    for struct in ("FS_MATRIX", "FS_RECTF", "FPDF_LIBRARY_CONFIG"):
        assert ctypes.sizeof(getattr(pdfium_c, struct)) == ctypes.sizeof(getattr(generated, struct)), struct


def test_the_reader_reads_the_same_through_pypdfium2s_bindings(monkeypatch):
    """Where the library is not where pypdfium2's wheels put it, the reader takes pypdfium2_raw's declarations:
    the same document either way."""
    from auditor.read import pdfium, pdfium_c

    path = FIXTURES / "seed-docx.pdf"
    ours = extract(open_document(path, ocr="off")).model_dump_json()
    monkeypatch.setattr(pdfium_c, "load", lambda: None)
    monkeypatch.setattr(pdfium, "_RAW", None)
    theirs = extract(open_document(path, ocr="off")).model_dump_json()
    assert pdfium._RAW is not None and not hasattr(pdfium._RAW, "FUNCTIONS") and \
        type(pdfium._RAW).__name__ == "module"
    assert ours == theirs
