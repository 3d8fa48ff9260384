"""An arithmetic error resting on a number OCR read with low confidence is a warning that says why."""
from __future__ import annotations

from decimal import Decimal

from auditor.api import audit_report
from auditor.engine.config import Config
from auditor.model import Inventory, InventoryLine, InventoryStage, Location, Quantity, Report, StageRef


def q(text: str, conf: float | None = None, unit: str | None = None) -> Quantity:
    return Quantity(text=text, value=Decimal(text), decimals=len(text.split(".")[1]) if "." in text else 0,
                    unit=unit, confidence=conf, location=Location(page=6, bbox=(10, 10, 40, 20)))


def report(factor_conf: float | None) -> Report:
    stage = StageRef(name="原材料获取", canonical="raw_material_acquisition")
    line = InventoryLine(stage=stage, item="钢材", activity=q("120.00", unit="kg"),
                         factor=q("20.5", factor_conf, "kgCO2e/kg"), emissions=q("246.0000"))
    return Report(inventory=Inventory(stages=[InventoryStage(stage=stage, lines=[line], emissions=line.emissions,
                                                             emissions_from="single-line")]))


def test_confident_mismatch_is_an_error():
    res = audit_report(report(None))
    ari = [f for f in res.findings if f.rule == "ARI001"]
    assert ari and ari[0].severity == "error"


def test_low_confidence_mismatch_is_a_warning_with_the_crop():
    res = audit_report(report(41.0), Config(lang="en"))
    ari = [f for f in res.findings if f.rule == "ARI001"]
    assert ari and ari[0].severity == "warning"
    assert "OCR uncertainty" in ari[0].cause and "confidence 41" in ari[0].cause and "p.6" in ari[0].cause
    zh = audit_report(report(41.0), Config(lang="zh"))       # the warning survives the rendering in Chinese
    assert "置信度为 41" in [f for f in zh.findings if f.rule == "ARI001"][0].cause
    assert not [f for f in res.findings if f.severity == "error" and "20.5" in f.values]
