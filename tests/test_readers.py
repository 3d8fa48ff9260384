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
