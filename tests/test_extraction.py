"""Extraction against golden files: every fixture PDF (producers docx, reportlab, html, html-noto, scan; layouts
seed, wide, long, unruled; Chinese and English) is read and compared with tests/golden/<pdf-stem>.json, a
compact projection of the Report (no boxes). Plus the parts of reading that a golden file does not show well:
tables over page breaks, tables without lines, radicals, OCR, and the markdown and schema outputs.

Regenerate the golden files after a deliberate change (never from a test):

    .venv/bin/python -m tests.test_extraction --update            # all fixtures
    .venv/bin/python -m tests.test_extraction --update seed-docx  # some
"""
from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "pdf"
GOLDEN = Path(__file__).resolve().parent / "golden"
PDFS = sorted(p.name for p in FIXTURES.glob("*.pdf"))


def ocr_version() -> str | None:
    """The OCR engine that reads the scan fixtures (its version and settings), None when it cannot run."""
    from auditor.read.ocr import EngineUnavailable
    from auditor.read.ocr.engines import get_engine

    try:
        return get_engine("rapidocr").version
    except EngineUnavailable:
        return None


HAVE_OCR = ocr_version() is not None
NO_OCR = "the rapidocr engine cannot run here (pip install rapidocr onnxruntime): OCR not tested"


@cache
def parsed(name: str):
    """Each PDF is parsed once per test session (OCR'd ones included)."""
    from auditor.api import parse

    return parse(FIXTURES / name)


# ---------------------------------------------------------------- projection


def _q(q):
    """'121.2911 kWh': the number as printed, then its normalised unit."""
    if q is None:
        return None
    return f"{q.text} {q.unit}" if q.unit and q.unit != "%" else q.text


def _t(t):
    return t.text if t is not None else None


def _stage(s):
    return None if s is None else f"{s.name} -> {s.canonical}"


def project(report) -> dict:
    """The golden view of a Report: what was read, as printed, without boxes or scores."""
    m = report.metadata
    inv = report.inventory
    res = report.results
    return {
        "language": report.language,
        "metadata": {
            "product": _t(m.product), "model": _t(m.model), "company": _t(m.company),
            "report_number": _t(m.report_number), "issuer": _t(m.issuer), "issue_date": _t(m.issue_date),
            "issue_date_value": str(m.issue_date_value) if m.issue_date_value else None,
            "standard": [s.text for s in m.standard], "functional_unit": [f.text for f in m.functional_unit],
            "data_period": [str(m.data_period_start), str(m.data_period_end)] if m.data_period else None,
            "gwp": [m.gwp_report, m.gwp_year] if m.gwp_report else None, "gases": m.gases,
            "annual_output": _q(m.annual_output),
        },
        "claims": [c.kind + ": " + c.text for c in report.boundary.claims],
        "declarations": [[d.place] + [s.canonical for s in d.stages] for d in report.boundary.declarations],
        "boundary_table": [[r.stage.name, r.stage.canonical, r.included, r.excluded] for r in report.boundary.table],
        "inventory": None if inv is None else {
            "unit": inv.emissions_unit, "total": _q(inv.total),
            "stages": [{"stage": _stage(st.stage), "emissions": _q(st.emissions), "from": st.emissions_from,
                        "lines": [[ln.item, _q(ln.activity), _q(ln.factor), _q(ln.emissions)] for ln in st.lines]}
                       for st in inv.stages]},
        "results": None if res is None else {
            "unit": res.unit, "total": [_q(res.total), _q(res.total_percent)],
            "rows": [[_stage(r.stage), _q(r.value), _q(r.percent)] for r in res.rows]},
        "quotes": [[q.place, q.stage.canonical if q.stage else None, _q(q.value), _q(q.percent)] for q in report.quotes],
        "factor_tables": [[ft.columns, ft.unit, [[r.label] + [_q(v) for v in r.values] for r in ft.rows]]
                          for ft in report.factor_tables],
        "factor_mentions": [[f.subject, _q(f.value), f.vintage, f.series, str(f.announced) if f.announced else None]
                            for f in report.factor_mentions],
        "notes": sorted(n.code for n in report.notes),
        "coverage": report.coverage.model_dump(),
    }


def golden_path(pdf_name: str) -> Path:
    return GOLDEN / (Path(pdf_name).stem + ".json")


def write_golden(pdf_name: str) -> Path:
    data = project(parsed(pdf_name))
    if pdf_name.endswith("-scan.pdf"):
        data["_ocr"] = ocr_version()
    path = golden_path(pdf_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump_compact(data) + "\n", encoding="utf-8")
    return path


def dump_compact(data, indent: str = "") -> str:
    """JSON with every list or object of scalars on one line: small files, readable diffs."""
    flat = json.dumps(data, ensure_ascii=False)
    values = data.values() if isinstance(data, dict) else data if isinstance(data, list) else []
    if not isinstance(data, (list, dict)) or not any(isinstance(v, (list, dict)) and v for v in values) and (
            isinstance(data, list) or len(flat) <= 120):
        return flat
    inner = indent + " "
    if isinstance(data, dict):
        items = [f"{inner}{json.dumps(k, ensure_ascii=False)}: {dump_compact(v, inner)}" for k, v in data.items()]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    return "[\n" + ",\n".join(inner + dump_compact(v, inner) for v in data) + "\n" + indent + "]"


def _diff(a, b, path="") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b)):
            out += _diff(a.get(k), b.get(k), f"{path}.{k}")
        return out
    if isinstance(a, list) and isinstance(b, list):
        out = [f"{path}: {len(a)} items, golden {len(b)}"] if len(a) != len(b) else []
        for i, (x, y) in enumerate(zip(a, b)):
            out += _diff(x, y, f"{path}[{i}]")
        return out
    return [] if a == b else [f"{path}: got {a!r}, golden {b!r}"]


# ---------------------------------------------------------------- golden tests


@pytest.mark.parametrize("name", PDFS)
def test_golden(name):
    path = golden_path(name)
    assert path.exists(), f"no golden file for {name}: run python -m tests.test_extraction --update {Path(name).stem}"
    golden = json.loads(path.read_text(encoding="utf-8"))
    ocr_version, ocr_version_now = golden.pop("_ocr", None), globals()["ocr_version"]
    if name.endswith("-scan.pdf"):
        if not HAVE_OCR:
            pytest.skip(NO_OCR)
        if ocr_version != ocr_version_now():
            pytest.skip(f"golden made with {ocr_version}, installed {ocr_version_now()}: OCR output differs "
                        f"between versions; test_scan_against_truth still runs")
    got = json.loads(json.dumps(project(parsed(name)), ensure_ascii=False))
    diff = _diff(got, golden)
    assert not diff, f"{name} differs from {path.name}:\n" + "\n".join(diff[:40])


def test_every_fixture_has_a_golden_file_and_no_stale_ones():
    goldens = {p.stem for p in GOLDEN.glob("*.json")}
    assert goldens == {Path(n).stem for n in PDFS}


def test_golden_fixtures_span_producers_layouts_languages():
    stems = [Path(n).stem for n in PDFS]
    producers = {s.rsplit("-", 1)[-1] if not s.endswith("html-noto") else "html-noto" for s in stems}
    assert {"docx", "reportlab", "html", "html-noto", "scan"} <= producers
    assert any("-wide" in s for s in stems) and any("-seed" in s for s in stems)
    assert any("-en-" in s for s in stems) and any("unruled" in s for s in stems) and any("long" in s for s in stems)


# ---------------------------------------------------------------- against the synthetic truth


def _share(name: str) -> float:
    from fixtures.score_extraction import layout_of, score, truth_for

    data, job, producer = truth_for(FIXTURES / name)
    t = score(parsed(name), data, english=job.endswith("-en"), wide="seed" not in layout_of(job))
    return sum(t.ok.values()) / sum(t.n.values()), t.misses


@pytest.mark.parametrize("name", [n for n in PDFS if n.startswith("synth-") and not n.endswith("-scan.pdf")])
def test_text_fixtures_read_exactly(name):
    share, misses = _share(name)
    assert share == 1.0, misses


@pytest.mark.skipif(not HAVE_OCR, reason=NO_OCR)
def test_scan_against_truth():
    share, misses = _share("synth-3-seed-scan.pdf")
    assert share >= 0.98, misses


# ---------------------------------------------------------------- specific behaviours


@pytest.mark.parametrize("name", ["synth-21-long-docx.pdf", "synth-21-long-noheader-docx.pdf",
                                  "synth-21-long-reportlab.pdf", "synth-21-long-noheader-reportlab.pdf",
                                  "synth-21-long-html.pdf"])
def test_inventory_over_page_breaks(name):
    r = parsed(name)
    inv = r.inventory
    pages = {ln.location.page for st in inv.stages for ln in st.lines}
    assert len(pages) >= 2, "the fixture's inventory should run over a page break"
    assert r.coverage.tables_used.get("inventory") == 1        # one table, not two
    assert sum(len(st.lines) for st in inv.stages) == 34
    assert inv.total is not None and inv.total.text == "4028.2707"
    items = [ln.item for st in inv.stages for ln in st.lines]
    assert "公路运输(光伏玻璃)" in items                      # docx cuts this row in two at the break


def test_row_cut_by_a_page_break_is_joined():
    from auditor.extract import merge_continued
    from auditor.read.document import Cell, Table

    def row(*texts, page=1, y=700):
        return [Cell(text=t, page=page, bbox=(100 * i, y, 100 * i + 90, y + 20)) for i, t in enumerate(texts)]

    head = row("阶段", "物料/能源", "活动数据", "排放量", y=80)
    a = Table(page=1, bbox=(0, 80, 400, 720), rows=[head, row("原辅料运输阶段", "公路运输（光伏玻", "3.494", "0.3417")])
    b = Table(page=2, bbox=(0, 72, 400, 120), rows=[row("", "璃）", "", "", page=2, y=72),
                                                    row("产品生产阶段", "电力", "54.0896", "31.2476", page=2, y=92)])
    merged = merge_continued([a, b])
    assert len(merged) == 1
    assert [c.text for c in merged[0].rows[1]] == ["原辅料运输阶段", "公路运输(光伏玻璃)", "3.494", "0.3417"]
    assert len(merged[0].rows) == 3


@pytest.mark.parametrize("name", ["synth-9-unruled-docx.pdf", "synth-9-unruled-html.pdf",
                                  "synth-9-unruled-reportlab.pdf"])
def test_tables_without_lines(name):
    from auditor.read.reader import open_document

    doc = open_document(FIXTURES / name, ocr="off")
    unruled = [t for p in doc.pages for t in p.tables if not t.ruled]
    assert len(unruled) == 2                                   # inventory and results
    r = parsed(name)
    assert r.coverage.inventory_lines == 5 and r.coverage.results_rows == 3


def test_no_unruled_tables_invented_in_ruled_reports():
    from auditor.read.reader import open_document

    for name in ["seed-docx.pdf", "seed-html.pdf", "synth-7-wide-reportlab.pdf", "synth-12-seed-en-docx.pdf"]:
        doc = open_document(FIXTURES / name, ocr="off")
        assert not [t for p in doc.pages for t in p.tables if not t.ruled], name


def test_radicals_are_folded_in_the_noto_fixture():
    from auditor.read.reader import open_document

    doc = open_document(FIXTURES / "synth-3-seed-html-noto.pdf", ocr="off")
    text = doc.prose.text + "".join(c.text for p in doc.pages for t in p.tables for r in t.rows for c in r)
    odd = {ch for ch in text if 0x2E80 <= ord(ch) <= 0x2FDF}
    assert not odd, odd
    import pdfplumber

    with pdfplumber.open(FIXTURES / "synth-3-seed-html-noto.pdf") as pdf:   # the fixture does have them
        raw = "".join(c["text"] for p in pdf.pages for c in p.chars)
    assert any(0x2E80 <= ord(ch) <= 0x2EFF for ch in raw) and any(0x2F00 <= ord(ch) <= 0x2FDF for ch in raw)


@pytest.mark.parametrize("name", ["synth-12-seed-en-docx.pdf", "synth-12-seed-en-reportlab.pdf",
                                  "synth-14-wide-en-docx.pdf"])
def test_english_reports(name):
    r = parsed(name)
    assert r.language == "en"
    m = r.metadata
    assert m.product and m.report_number and m.issue_date_value and m.gwp_report and m.data_period_start
    assert [c.kind for c in r.boundary.claims][:1] in (["cradle-to-grave"], ["cradle-to-gate"])
    places = {d.place for d in r.boundary.declarations}
    assert {"boundary_section", "boundary_table"} <= places
    summary = [q for q in r.quotes if q.place == "summary"]
    assert any(q.stage is None for q in summary) and sum(1 for q in summary if q.percent) == len(r.results.rows)


def test_english_sentences_from_the_brief():
    from auditor.extract.prose import Sections, declarations, gwp_source, quoted_values
    from auditor.read.document import TextFlow

    text = ("Executive summary\nThe carbon footprint of 1 unit is 94.43 kg CO2e. Raw material acquisition contributes "
            "81.94 kg CO2e (86.77%).\n3.2.2 System boundary\nThe system boundary covers raw material acquisition, "
            "transport, production, distribution, use and end of life.\nGWP values are from the IPCC Fifth "
            "Assessment Report (2013).")
    flow = TextFlow(text)
    quotes = quoted_values(flow, Sections.find(flow))
    assert [(q.place, q.stage.canonical if q.stage else None, q.value.text, q.percent and q.percent.text)
            for q in quotes] == [("summary", None, "94.43", None),
                                 ("summary", "raw_material_acquisition", "81.94", "86.77%")]
    decl = declarations(flow, Sections.find(flow))
    assert [s.canonical for s in decl[0].stages] == ["raw_material_acquisition", "raw_material_transport",
                                                     "production", "distribution", "use", "end_of_life"]
    _, ar, year = gwp_source(flow)
    assert (ar, year) == ("AR5", 2013)


def test_unknown_header_words_with_percent_sign_are_a_percent_column():
    from auditor.vocab import header_role

    assert header_role("百分比/%")[0] == "percent"
    assert header_role("Fatht/%")[0] == "percent"          # what OCR made of a bold 百分比/%
    assert header_role("Share (%)")[0] == "percent"


# OCR: tests/test_ocr.py


# ---------------------------------------------------------------- outputs


def test_extract_markdown():
    from auditor.output.extract_md import render_report

    md = render_report(parsed("seed-reportlab.pdf"))
    for heading in ("## Metadata", "## Inventory", "## Results", "## Values quoted in the text", "## System boundary",
                    "## Factors", "## Coverage", "## Notes"):
        assert heading in md
    assert "81.9886" in md and "0.055539" in md and "摇篮到坟墓" in md


def test_extract_and_schema_commands():
    from typer.testing import CliRunner

    from auditor.cli import app

    runner = CliRunner()
    res = runner.invoke(app, ["extract", str(FIXTURES / "seed-reportlab.pdf"), "--format", "markdown"])
    assert res.exit_code == 0 and "## Inventory" in res.stdout
    res = runner.invoke(app, ["extract", str(FIXTURES / "seed-reportlab.pdf")])
    assert res.exit_code == 0 and json.loads(res.stdout)["coverage"]["inventory_lines"] == 7
    res = runner.invoke(app, ["schema"])
    schemas = json.loads(res.stdout)
    assert set(schemas) == {"report", "findings"}
    assert "table_numbers" in schemas["report"]["$defs"]["Coverage"]["properties"]


def test_coverage_counts():
    r = parsed("synth-7-wide-html.pdf")
    c = r.coverage
    assert (c.inventory_stages, c.inventory_lines, c.results_rows) == (6, 9, 6)
    assert c.table_numbers_used <= c.table_numbers and c.prose_values_used <= c.prose_values
    # every inventory and results number is accounted for: 9 lines x 3 numbers + 6 subtotals + total,
    # 6 rows x 2 + total and its percent, and the product box total
    assert c.table_numbers_used == 9 * 3 + 6 + 1 + 6 * 2 + 2 + 1
    seed = parsed("seed-docx.pdf")
    assert seed.coverage.prose_values == seed.coverage.prose_values_used == 8


def test_emission_values_in_the_text_that_nothing_reads_are_listed():
    from auditor.extract import extract
    from auditor.read.document import Document, Glyph, Page, TextFlow

    text = "摘要\n产品碳足迹为 94.43 kgCO₂e。\n同类产品参考值约 120.5 kgCO₂e，仅供参考。"
    flow = TextFlow(text, [Glyph(1, 10.0 * i, 100, 10.0 * i + 9, 110) for i in range(len(text))])
    report = extract(Document(path="x.pdf", sha256="0", pages=[Page(1, 595, 842, flow, chars=len(text))]))
    unread = [n for n in report.notes if n.code == "prose-value-unread"]
    assert [n.text for n in unread] == ["120.5"] and unread[0].location.page == 1
    assert (report.coverage.prose_values, report.coverage.prose_values_used) == (2, 1)


def main(argv: list[str]) -> int:
    if not argv or argv[0] != "--update":
        print(__doc__)
        return 2
    names = [n if n.endswith(".pdf") else n + ".pdf" for n in argv[1:]] or PDFS
    for n in names:
        print("wrote", write_golden(n).relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
