"""CON013 end to end: a per-gas table rendered to PDF with reportlab, read back, its CO2e recomputed with the
cited assessment report's GWP100 (zh and en, failing and passing)."""
from __future__ import annotations

import pytest

from auditor import audit
from fixtures.docspec import Document
from fixtures.render_reportlab import render

ZH = {"cite": "温室气体 GWP 值采用 IPCC 第五次评估报告（AR5）的 100 年全球增温潜势。",
      "h": "各温室气体排放量", "cap": "表 5-1 各温室气体排放量",
      "header": ["排放源", "CO₂ (kg)", "CH₄ (kg)", "N₂O (kg)", "合计 (kgCO₂e)"], "rows": ["柴油燃烧", "天然气燃烧"]}
EN = {"cite": "GWP100 values are taken from the IPCC Fifth Assessment Report (AR5).",
      "h": "Emissions by gas", "cap": "Table 5-1 Emissions by gas",
      "header": ["Source", "CO2 (kg)", "CH4 (kg)", "N2O (kg)", "Total (kg CO2e)"],
      "rows": ["Diesel combustion", "Natural gas combustion"]}


def _pdf(tmp_path, lang: dict, totals: tuple[str, str]):
    doc = Document.model_validate({"metadata": {"title": "PCF"}, "blocks": [
        {"h1": lang["h"]}, {"p": lang["cite"]}, {"caption": lang["cap"]},
        {"table": [lang["header"], [lang["rows"][0], "100.00", "1.000", "1.000", totals[0]],
                   [lang["rows"][1], "50.00", "0.100", "0.010", totals[1]]], "header_rows": 1}]})
    return render(doc, tmp_path / "gases.pdf")


@pytest.mark.parametrize("lang", [ZH, EN], ids=["zh", "en"])
def test_ar4_values_under_ar5_citation(tmp_path, lang):
    found = [f for f in audit(str(_pdf(tmp_path, lang, ("423.00", "55.45")))).findings if f.rule == "CON013"]
    assert len(found) == 1, [f.message for f in found]
    assert found[0].severity == "error" and found[0].values == ["423.00"] and found[0].expected == "393.00"
    assert "AR4" in found[0].message


@pytest.mark.parametrize("lang", [ZH, EN], ids=["zh", "en"])
def test_ar5_values_pass(tmp_path, lang):
    found = [f for f in audit(str(_pdf(tmp_path, lang, ("393.00", "55.45")))).findings if f.rule == "CON013"]
    assert found == []
