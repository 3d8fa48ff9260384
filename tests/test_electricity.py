"""Electricity rules end to end (FAC011, FAC012): a synthetic seed-style report rendered with reportlab, with the
factor sentence and a market-based claim changed, read from the PDF and audited."""
from __future__ import annotations

from pathlib import Path

import pytest

from auditor.api import audit

pytest.importorskip("reportlab")


def _render(tmp_path: Path, name: str, edit=None, extra: str | None = None) -> Path:
    from fixtures import render_reportlab
    from fixtures.docspec import Paragraph
    from fixtures.synth import make_report_data, report_document

    doc = report_document(make_report_data(1))
    for b in doc.blocks:
        if isinstance(b, Paragraph) and edit is not None:
            b.text = edit(b.text)
    if extra:     # beside the factor sentence
        at = next(i for i, b in enumerate(doc.blocks) if isinstance(b, Paragraph) and "电力排放因子" in b.text)
        doc.blocks.insert(at + 1, Paragraph(text=extra))
    out = tmp_path / f"{name}.pdf"
    render_reportlab.render(doc, out)
    return out


def _codes(path: Path, code: str):
    res = audit(path)
    assert res.status == "ok"
    return [f for f in res.findings if f.rule == code]


def test_clean_report_is_silent(tmp_path):
    p = _render(tmp_path, "clean")
    assert _codes(p, "FAC011") == [] and _codes(p, "FAC012") == []


def test_2024_value_cited_as_2023(tmp_path):
    p = _render(tmp_path, "y2023", edit=lambda t: t.replace("2024 年全国电力平均碳足迹因子", "2023 年全国电力平均碳足迹因子"))
    fs = _codes(p, "FAC011")
    assert fs and fs[0].severity in ("error", "warning")
    assert fs[0].message_id == "FAC011.not-official-other" and "0.6205" in fs[0].message
    other = fs[0].params["other"]     # the value is the 2024 national footprint factor
    assert other["id"] == "FAC011.factor" and other["params"]["year"] == "2024"
    assert other["params"]["kind"]["id"] == "word.national-footprint"


def test_green_electricity_without_evidence(tmp_path):
    p = _render(tmp_path, "green", extra="本报告生产用电全部使用绿色电力。")
    fs = _codes(p, "FAC012")
    assert any(f.severity == "error" for f in fs)


def test_green_certificates_with_evidence(tmp_path):
    p = _render(tmp_path, "gec", extra="本报告生产用电使用绿色电力证书 1200 张，证书编号 GEC-2024-000123，"
                                       "电力排放因子采用基于市场的方法。")
    assert _codes(p, "FAC012") == []


# ---------------------------------------------------------------- reading the cited factor from prose

def _facts(text: str):
    from auditor.extract.electricity import electricity
    from auditor.extract.prose import factor_mentions
    from auditor.numbers import fold
    from auditor.read.document import TextFlow

    flow = TextFlow(fold(text))
    return electricity(flow, factor_mentions(flow))


@pytest.mark.parametrize("text, region, year", [
    ("电力排放因子采用华东区域电网 2022 年平均二氧化碳排放因子 0.5617kgCO₂/kWh。", "华东区域电网", 2022),
    ("外购电力采用浙江省 2023 年电力平均二氧化碳排放因子 0.4974kgCO₂/kWh。", "浙江省", 2023),
    ("电力排放因子采用生态环境部、国家统计局发布的 2024 年全国电力平均碳足迹因子 0.5777kgCO₂e/kWh。", "全国", 2024),
    ("The electricity emission factor for the German grid is 0.38 kgCO2e/kWh (2023).", "German", None),
])
def test_cited_region_and_year(text, region, year):
    el = _facts(text)
    assert el.region == region
    if year is not None:
        assert el.vintage == year
    assert el.market_claims == [] and el.basis is None


def test_claims_basis_and_evidence():
    el = _facts("生产用电采用绿色电力，购买绿色电力证书 1200 张，证书编号 GEC-2024-000123，电力排放因子采用基于市场的方法。")
    assert el.market_claims and el.basis == "market" and len(el.evidence) >= 2
    assert _facts("建议企业逐步采购绿色电力。").market_claims == []
    assert _facts("本产品生产未使用绿电。").market_claims == []
    el = _facts("We purchased RECs for all grid electricity; the market-based method is used.")
    assert el.market_claims and el.basis == "market" and el.evidence == []
