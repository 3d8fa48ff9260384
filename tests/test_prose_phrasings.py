"""Summary and conclusion prose in the phrasings real reports use, cover pages and document-control tables, and
words that look like boundary claims but are not (docs: /work/shared/reference/report-templates.md, sections 5-6).

Unit tests on TextFlow snippets, then the four template PDFs (reportlab and docx) against their truth files."""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from auditor.extract.prose import Sections, claims, cover_fields, quoted_values
from auditor.extract.tables import _looks_key_value, read_key_values
from auditor.numbers import fold
from auditor.read.document import Cell, Table, TextFlow
from auditor.vocab import match_stage

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "pdf"


def flow_of(text: str) -> TextFlow:
    """Text as the reader gives it: NFKC-folded (CO₂ -> CO2, full-width brackets and commas to ASCII)."""
    return TextFlow(fold(text))


def quotes(text: str):
    flow = flow_of(text)
    return quoted_values(flow, Sections.find(flow))


def view(q):
    """(stage canonical or None, value as printed, unit, percent)"""
    return (q.stage.canonical if q.stage else None, q.value.text, q.value.unit, q.percent.text if q.percent else None)


# ---------------------------------------------------------------- Chinese summary phrasings


def test_stage_value_then_share_after_a_comma():
    qs = quotes("摘要\n原材料获取阶段排放 1,204.55 kgCO₂e，占 88.31%；产品生产阶段排放 52.36 kgCO₂e，占 4.51%。")
    assert [view(q) for q in qs] == [("raw_material_acquisition", "1,204.55", "kgCO2e", "88.31%"),
                                     ("production", "52.36", "kgCO2e", "4.51%")]
    assert all(q.place == "summary" for q in qs)


def test_share_before_value():
    qs = quotes("摘要\n其中原材料获取阶段占比最大（88.31%），为 1,204.55 kgCO₂e。")
    assert [view(q) for q in qs] == [("raw_material_acquisition", "1,204.55", "kgCO2e", "88.31%")]
    assert qs[0].stage.name == "原材料获取阶段"


def test_stage_names_without_a_word_for_emissions():
    qs = quotes("2024 年该产品年排放总量为 36,830.80 tCO₂e，其中原材料获取阶段 27,714.06 tCO₂e（占 75.25%），"
                "原材料运输阶段 804.42 tCO₂e，产品生产阶段 8,312.32 tCO₂e（占 22.57%）。")
    assert [view(q) for q in qs] == [(None, "36,830.80", "tCO2e", None),
                                     ("raw_material_acquisition", "27,714.06", "tCO2e", "75.25%"),
                                     ("raw_material_transport", "804.42", "tCO2e", None),
                                     ("production", "8,312.32", "tCO2e", "22.57%")]


def test_stage_is_value():
    qs = quotes("原材料运输阶段为 24.54 kgCO₂e，占 6.96%；产品分销阶段为 53.06 kgCO₂e。")
    assert [view(q) for q in qs] == [("raw_material_transport", "24.54", "kgCO2e", "6.96%"),
                                     ("distribution", "53.06", "kgCO2e", None)]


def test_a_value_without_emission_words_or_stage_is_no_quote():
    assert quotes("同类产品参考值 120.5 kgCO₂e，仅供参考。") == []


def test_share_alone_names_its_stage_without_a_canonical_stage():
    """'产品生产阶段占 4.51%': no value; the share is the quote's value (unit %), so no rule compares it with a
    stage value or divides it by the total."""
    qs = quotes("结论\n产品生产阶段占 4.51%。其中原材料获取阶段占比最大（92.24%），主要来自铝合金型材。")
    assert [(q.stage.name, q.stage.canonical, q.value.text, q.value.unit, q.percent) for q in qs] == [
        ("产品生产阶段", None, "4.51%", "%", None), ("原材料获取阶段", None, "92.24%", "%", None)]
    assert all(q.place == "conclusion" for q in qs)


def test_two_stages_together_are_a_sum():
    qs = quotes("运输相关排放（原材料运输与产品分销）合计 77.60 kgCO₂e/t，占 22.01%。")
    assert len(qs) == 1
    q = qs[0]
    assert (q.stage.name, q.stage.canonical, q.value.text, q.value.unit, q.percent.text) == (
        "原材料运输与产品分销", None, "77.60", "kgCO2e/t", "22.01%")


# ---------------------------------------------------------------- per-unit footprints


def test_per_unit_footprint_from_the_division():
    qs = quotes("摘要\n按年产量分摊，年排放总量 45,310.20 tCO₂e / 年产量 18,000 t = 2.5172 tCO₂e/t。")
    assert [view(q) for q in qs] == [(None, "45,310.20", "tCO2e", None), (None, "2.5172", "tCO2e/t", None)]
    assert qs[1].value.unit_text.endswith("/t")


def test_per_unit_footprint_keeps_its_unit():
    (q,) = quotes("产品碳足迹为 2.5172 tCO₂e/t。")
    assert (q.stage, q.value.text, q.value.unit) == (None, "2.5172", "tCO2e/t")
    assert [view(q) for q in quotes("单位产品碳足迹：1,161.17 kgCO₂e/台")] == [(None, "1,161.17", "kgCO2e/unit", None)]
    assert [view(q) for q in quotes("The carbon footprint is 14.2 kg CO2e per m2 of panel.")] == [
        (None, "14.2", "kgCO2e/m2", None)]


def test_per_unit_from_the_words():
    """'每吨产品碳足迹为 1.9183 tCO₂e': the unit printed is tCO₂e, the words say per tonne."""
    (q,) = quotes("即每吨产品碳足迹为 1.9183 tCO₂e。")
    assert (q.value.unit, q.value.unit_text) == ("tCO2e/t", "tCO2e") and "每吨" in q.value.unit_note


def test_a_factor_is_no_quote():
    assert quotes("2024 年全国电力平均碳排放量为 0.5777 kgCO₂e/kWh。") == []
    assert quotes("Road transport emissions are 0.0742 kg CO2e/t·km for this leg.") == []


# ---------------------------------------------------------------- English


def test_module_stage_contributes_value_and_share():
    qs = quotes("Executive summary\nRaw material supply (A1) contributes 12.4 kg CO2e (71.3%), manufacturing (A3) "
                "2.10 kg CO2e (12.0%).")
    assert [view(q) for q in qs] == [("raw_material_acquisition", "12.4", "kgCO2e", "71.3%"),
                                     ("production", "2.10", "kgCO2e", "12.0%")]
    assert all(q.place == "summary" for q in qs)


def test_module_range_share_is_a_quote_of_the_range():
    """'A1-A3 account for 71.3% of the total': the sum of A1, A2 and A3. The model has no 'sum of stages': the
    quote names the range and has no canonical stage; its value is the share."""
    (q,) = quotes("A1-A3 account for 71.3% of the total.")
    assert (q.stage.name, q.stage.canonical, q.value.text, q.value.unit, q.percent) == ("A1-A3", None, "71.3%", "%",
                                                                                          None)


def test_pairs_and_module_d_are_not_totals():
    qs = quotes("Transport (A2 and A4) adds 6.39 kg CO2e. Benefits beyond the system boundary (D) amount to "
                "-63.55 kg CO2e and are reported separately.")
    assert [(q.stage.name, q.stage.canonical, q.value.text) for q in qs] == [
        ("Transport (A2 and A4)", None, "6.39"), ("Benefits beyond the system boundary (D)", None, "-63.55")]


def test_total_of_the_sentence_and_spaced_numbers():
    """Word exports space the separators of a number: '143 . 42', '- 63 . 55'."""
    qs = quotes("Executive summary\nThe carbon footprint is 143 . 42 kg CO2e per unit (A1 - C4) . Raw material "
                "supply (A1) contributes 114 . 39 kg CO2e (79 . 8%) of the 143.42 kg CO2e total.")
    assert [view(q) for q in qs] == [(None, "143.42", "kgCO2e/unit", None),
                                     ("raw_material_acquisition", "114.39", "kgCO2e", "79.8%"),
                                     (None, "143.42", "kgCO2e", None)]


def test_subject_starts_after_a_heading():
    qs = quotes("5 Interpretation and conclusions\nRaw material supply (A1) contributes 114.39 kg CO2e (79.8%).")
    assert qs[0].stage.name == "Raw material supply (A1)" and qs[0].place == "conclusion"


def test_chinese_numbered_headings_mark_sections():
    qs = quotes("一、报告摘要\n每吨产品的碳足迹为 352.49 kgCO₂e。\n五、结论\n产品生产阶段贡献 181.46 kgCO₂e（51.48%）。")
    assert [(q.place, view(q)) for q in qs] == [("summary", (None, "352.49", "kgCO2e/t", None)),
                                                ("conclusion", ("production", "181.46", "kgCO2e", "51.48%"))]


# ---------------------------------------------------------------- cover pages and document control


def test_report_number_without_the_version():
    f = cover_fields(flow_of("报告编号：CFP-2025-789 版本：A/1\n核算机构：中国质量认证中心（CQC）\n"))
    assert f["report_number"].text == "CFP-2025-789"
    assert f["issuer"].text == fold("中国质量认证中心（CQC）")
    f = cover_fields(flow_of("报告编号:CFP-2025-2621 报告版本:V1.1\n"))
    assert f["report_number"].text == "CFP-2025-2621"


def test_english_cover_lines():
    f = cover_fields(flow_of("Product Carbon Footprint Study\nClient: Regalbau Nord GmbH & Co. KG\n"
                              "Product: TerraShelf modular steel shelving unit, model T-800\nReport number: LCA-2481-46\n"
                              "Version: 2.2\nDate of issue: 5 June 2025\nPrepared by: Nordic Carbon Advisory AB\n"))
    assert {k: v.text for k, v in f.items()} == {
        "company": "Regalbau Nord GmbH & Co. KG", "product": "TerraShelf modular steel shelving unit",
        "model": "T-800", "report_number": "LCA-2481-46", "issue_date": "5 June 2025",
        "issuer": "Nordic Carbon Advisory AB"}


def test_model_is_a_label_not_a_word():
    f = cover_fields(flow_of("Road legs use the GLEC default model: Euro VI 40 t articulated truck\n"
                              "The truck model is a Euro VI 40 t articulated truck.\n"))
    assert "model" not in f


def _table(rows):
    return Table(page=1, bbox=(0, 0, 500, 300), rows=[
        [Cell(text=t, page=1, bbox=(200 * i, 20 * r, 200 * i + 190, 20 * r + 18)) for i, t in enumerate(row)]
        for r, row in enumerate(rows)])


def test_document_control_table():
    t = _table([["Document control", "Document control"],
                ["Title", "Product carbon footprint of the TerraShelf modular steel shelving unit T-800"],
                ["Client", "Regalbau Nord GmbH & Co. KG"],
                ["Product", "TerraShelf modular steel shelving unit, model T-800"],
                ["Report number", "LCA-2481-46"], ["Version", "2.2"], ["Date of issue", "5 June 2025"],
                ["Prepared by", "Dr. Anna Lindqvist, Nordic Carbon Advisory AB"],
                ["Reviewed by", "Markus Feld, independent critical reviewer (ISO 14071)"]])
    assert _looks_key_value(t)
    f = {k: v.text for k, v in read_key_values(t).items()}
    assert f == {"company": "Regalbau Nord GmbH & Co. KG", "product": "TerraShelf modular steel shelving unit",
                 "model": "T-800", "report_number": "LCA-2481-46", "issue_date": "5 June 2025",
                 "issuer": "Dr. Anna Lindqvist, Nordic Carbon Advisory AB"}


def test_chinese_cover_table():
    t = _table([["项目", "内容"], ["委托方", "佛山华远陶瓷有限公司"], ["产品型号", "GT8130（800×800×11mm）"],
                ["报告编号", "CFP-2025-789 版本：A/1"], ["发布日期", "2025-11-10"],
                ["核查机构", "中环联合（北京）认证中心有限公司"]])
    f = {k: v.text for k, v in read_key_values(t).items()}
    assert f == {"company": "佛山华远陶瓷有限公司", "model": "GT8130（800×800×11mm）", "report_number": "CFP-2025-789",
                 "issue_date": "2025-11-10", "issuer": "中环联合（北京）认证中心有限公司"}


# ---------------------------------------------------------------- not everything is a claim


@pytest.mark.parametrize("text", [
    "次级数据来自中国产品全生命周期温室气体排放系数库（CPCD）和 Ecoinvent 3.10。",
    "材料因子取自中国产品全生命\n周期温室气体排放系数库（CPCD）。",
    "本报告不包含产品使用与废弃处置阶段，不能用于全生命周期比较。",
    "所引用的材料因子为其“摇篮到大门”数据集。",
    "The results are not a cradle-to-grave comparison of shelving systems.",
    "Background data are cradle-to-gate datasets from ecoinvent 3.10.",
])
def test_names_comparisons_and_negations_are_no_claims(text):
    assert claims(flow_of(text)) == []


def test_real_claims_stay():
    got = claims(flow_of("系统边界“摇篮到坟墓”：原料获取及加工、运输、生产制造。\n评价的系统边界定义为全生命周期产品碳足迹。\n"
                          "The system boundary is cradle-to-gate.\n"))
    assert [(c.kind, c.text) for c in got] == [("cradle-to-grave", "摇篮到坟墓"), ("cradle-to-grave", "全生命周期"),
                                               ("cradle-to-gate", "cradle-to-gate")]


# ---------------------------------------------------------------- the template PDFs against their truth

TEMPLATES = ["bom-zh", "transport-zh", "annual-zh", "study-en"]
PRODUCERS = ["reportlab", "docx"]
# the per-unit unit as the text prints it (bom-zh prints its per-unit value only as kgCO2e of '1 台产品')
PER_UNIT = {"bom-zh": None, "transport-zh": "kgCO2e/t", "annual-zh": "tCO2e/t", "study-en": "kgCO2e/unit"}
MODULE_STAGES = {"A1": "raw_material_acquisition", "A2": "raw_material_transport", "A3": "production",
                 "A4": "distribution", "C1-C4": "end_of_life"}


@cache
def parsed(name: str):
    from auditor.api import parse

    return parse(FIXTURES / name)


def truth(template: str) -> dict:
    return json.loads((FIXTURES / f"tpl-{template}.json").read_text(encoding="utf-8"))


def n(text: str | None) -> str | None:
    return None if text is None else fold(text).replace(" ", "").replace(",", "").rstrip("%")


def stage_of(st: dict) -> str | None:
    return MODULE_STAGES.get(st.get("module") or "") or match_stage(st["name"])[0]


CASES = [(t, p) for t in TEMPLATES for p in PRODUCERS]


@pytest.mark.parametrize("template,producer", CASES)
def test_template_metadata(template, producer):
    r, want = parsed(f"tpl-{template}-{producer}.pdf"), truth(template)
    m = r.metadata
    got = {"product": m.product, "model": m.model, "client": m.company, "report_number": m.report_number,
           "date": m.issue_date, "certification_body": m.issuer}
    for key, value in got.items():
        if want.get(key) is None:
            continue
        assert value is not None and n(value.text) == n(want[key]), (key, value and value.text, want[key])
    if want.get("not_the_model"):
        assert m.model.text != want["not_the_model"]


@pytest.mark.parametrize("template,producer", CASES)
def test_template_total_and_per_unit_quotes(template, producer):
    r, want = parsed(f"tpl-{template}-{producer}.pdf"), truth(template)
    totals = [q for q in r.quotes if q.stage is None]
    total = n(want["total"]["value"])
    assert any(n(q.value.text) == total for q in totals), [q.value.text for q in totals]
    per = n(want["per_unit"]["value"])
    per_quotes = [q for q in totals if n(q.value.text) == per]
    assert per_quotes
    if PER_UNIT[template]:
        assert any(q.value.unit == PER_UNIT[template] for q in per_quotes)
    if per != total:
        # a per-unit value is never given the annual total's unit
        assert all(q.value.unit == PER_UNIT[template] for q in per_quotes), [q.value.unit for q in per_quotes]


@pytest.mark.parametrize("template,producer", CASES)
def test_template_stage_quotes(template, producer):
    """The largest stage is quoted with its value and share; every stage value quoted is the truth's."""
    r, want = parsed(f"tpl-{template}-{producer}.pdf"), truth(template)
    stages = {stage_of(st): st for st in want["stages"]}
    big = next(st for st in want["stages"] if st["name"] == want["largest_stage"])
    assert any(q.stage and q.stage.canonical == stage_of(big) and n(q.value.text) == n(big["value"])
               and q.percent and n(q.percent.text) == n(big["share"]) for q in r.quotes)
    for q in r.quotes:
        if q.stage and q.stage.canonical and q.value.unit != "%" and q.place != "cover":
            st = stages[q.stage.canonical]
            assert n(q.value.text) == n(st["value"]), (q.text, st)
            if q.percent:
                assert n(q.percent.text) == n(st["share"]), (q.text, st)


@pytest.mark.parametrize("template,producer", CASES)
def test_template_prose_quotes_of_the_truth_are_read(template, producer):
    """Every value the truth lists as quoted in the prose (quote.* relations) is among the quotes."""
    r, want = parsed(f"tpl-{template}-{producer}.pdf"), truth(template)
    read = {n(q.value.text) for q in r.quotes} | {n(q.percent.text) for q in r.quotes if q.percent}
    missing = [(rel["id"], rel["out"]["value"]) for rel in want["relations"]
               if rel["id"].startswith("quote.") and rel["id"] != "quote.f_out" and n(rel["out"]["value"]) not in read]
    assert not missing


@pytest.mark.parametrize("template,producer", CASES)
def test_template_database_names_are_no_claims(template, producer):
    r = parsed(f"tpl-{template}-{producer}.pdf")
    assert not [c for c in r.boundary.claims if c.kind == "cradle-to-grave"]


@pytest.mark.parametrize("template,producer", [(t, p) for t in ("bom-zh", "study-en") for p in PRODUCERS])
def test_template_functional_unit(template, producer):
    """The functional unit sentence is read (the other two templates print a longer unit than their truth)."""
    r, want = parsed(f"tpl-{template}-{producer}.pdf"), truth(template)
    assert any(n(f.text).startswith(n(want["functional_unit"])) for f in r.metadata.functional_unit), \
        [f.text for f in r.metadata.functional_unit]
