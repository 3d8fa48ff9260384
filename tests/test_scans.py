"""Scanned reports as an archive holds them (fixtures/pdf/scan: 150 and 200 dpi, tilted up to 2 degrees, grain,
JPEG, a red seal across a table, a signature, a mixed document, defect variants): read as well as the
born-digital PDFs they were made from, defects still caught, no error on a clean scan. The whole set is measured
by `python -m fixtures.scan_score` and `python bench/ocr.py`; the suite reads a sample of each kind."""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
from conftest import can_ocr

ROOT = Path(__file__).resolve().parent.parent
SCANS = ROOT / "fixtures" / "pdf" / "scan"
MANIFEST = {e["file"]: e for e in json.loads((SCANS / "manifest.json").read_text(encoding="utf-8"))["scans"]}
# one of each kind: a seal across a table at 150 dpi, a mixed document, an English study at 150 dpi tilted 1.6
# degrees, a signature, a defect variant tilted -1.4 degrees
SAMPLE = ["tpl-bom-zh-html-150-stamp.pdf", "tpl-transport-zh-docx-150-mixed.pdf", "tpl-study-en-html-150.pdf",
          "tpl-study-en-docx-200-signature.pdf"]
DEFECTS = ["tpl-transport-zh-tkm-200.pdf"]


pytestmark = pytest.mark.skipif(not can_ocr(), reason="rapidocr cannot run here: scans not tested")


@cache
def reading(name: str):
    from auditor.api import parse

    return parse(SCANS / name)


@cache
def source_reading(name: str):
    from auditor.api import parse

    return parse(SCANS.parent / MANIFEST[name]["source"])


def test_every_scan_in_the_manifest_exists_with_its_source():
    assert len(MANIFEST) >= 10
    for name, e in MANIFEST.items():
        assert (SCANS / name).is_file() and (SCANS.parent / e["source"]).is_file()
    kinds = {x["kind"] for e in MANIFEST.values() for x in e["extras"]}
    assert {"stamp", "signature", "mixed"} <= kinds
    assert {e["dpi"] for e in MANIFEST.values()} == {150, 200}
    assert max(abs(e["angle"]) for e in MANIFEST.values()) >= 2.0


@pytest.mark.parametrize("name", SAMPLE + DEFECTS)
def test_a_scan_is_read_as_its_born_digital_source(name):
    from fixtures.scan_score import all_fields, score

    share, misses = score(all_fields(source_reading(name)), all_fields(reading(name)))
    assert share >= 0.97, misses[:20]


@pytest.mark.parametrize("name", SAMPLE)
def test_a_clean_scan_draws_no_error(name):
    from auditor.api import audit_report

    result = audit_report(reading(name))
    assert not [f for f in result.findings if f.severity == "error"], \
        [(f.rule, f.message[:160]) for f in result.findings if f.severity == "error"]


@pytest.mark.parametrize("name", DEFECTS)
def test_a_defect_is_caught_on_the_scan(name):
    from auditor.api import audit_report

    want = MANIFEST[name]["defect"]["expected_rule"]
    result = audit_report(reading(name))
    assert want in {f.rule for f in result.findings if f.severity == "error"}


def test_the_mixed_document_reads_only_its_scanned_pages():
    e = MANIFEST["tpl-transport-zh-docx-150-mixed.pdf"]
    born = next(x["born_digital_pages"] for x in e["extras"] if x["kind"] == "mixed")
    r = reading("tpl-transport-zh-docx-150-mixed.pdf")
    assert set(r.coverage.ocr_pages).isdisjoint(born)
    assert sorted(r.coverage.ocr_pages + born) == list(range(1, r.coverage.pages + 1))
