"""The verification statement read from real PDFs: the seed's (确认...符合 with the 编制 / 组长 / 组员 table) is
complete; a statement without names is a warning; a report without one is noted."""
from __future__ import annotations

from auditor.api import audit, parse
from auditor.engine.config import Config
from auditor.read.ocr import OcrOptions
from tests.conftest import FIXTURES

ONLY = Config(select=["CON014"])


def test_seed_statement_is_read_and_complete():
    r = parse(FIXTURES / "seed-docx.pdf", ocr="off")
    st = r.statement
    assert st.text is not None and "符合" in st.text.text
    assert st.standard is not None and "24067" in st.standard.text
    assert [p.text for p in st.people] == ["编制 李少娟", "组长 李少娟", "组员 孙芳芳", "组员 李培华"]
    assert all(p.location is not None for p in st.people)
    for name in ("seed-docx.pdf", "seed-corrected-reportlab.pdf", "seed-corrected-html.pdf"):
        assert [f.rule for f in audit(FIXTURES / name, ONLY, ocr=OcrOptions(mode="off")).findings] == []


def test_statement_without_names_is_a_warning():
    found = audit(FIXTURES / "synth-3-seed-docx.pdf", ONLY, ocr=OcrOptions(mode="off")).findings
    assert [(f.rule, f.severity) for f in found] == [("CON014", "warning")]
    assert found[0].message_id == "CON014.incomplete" and "CON014.lacks-people" in str(found[0].params)


def test_report_without_statement_is_noted():
    found = audit(FIXTURES / "tpl-study-en-docx.pdf", ONLY, ocr=OcrOptions(mode="off")).findings
    assert [(f.rule, f.severity) for f in found] == [("CON014", "info")]
