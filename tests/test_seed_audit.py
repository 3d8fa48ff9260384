"""The seed report's defects are found in PDFs from every producer; the corrected seed draws no error."""
from __future__ import annotations

import pytest

from tests.conftest import audited

PRODUCERS = ["docx", "reportlab", "html"]


def _ids(params) -> set[str]:
    """The catalogue ids of the messages nested in a finding's parameters."""
    if isinstance(params, dict):
        return ({params["id"]} if "id" in params else set()).union(*(_ids(v) for v in params.values()))
    if isinstance(params, list):
        return set().union(*(_ids(v) for v in params))
    return set()


def _find(result, rule=None, category=None, value=None, evidence=None, min_severity="info"):
    rank = {"info": 0, "warning": 1, "error": 2}
    out = []
    for f in result.findings:
        if rule and f.rule != rule:
            continue
        if category and f.category not in (category if isinstance(category, tuple) else (category,)):
            continue
        if value is not None and value not in f.values:
            continue
        if evidence is not None and not any(evidence in e for e in f.evidence):
            continue
        if rank[f.severity] < rank[min_severity]:
            continue
        out.append(f)
    return out


@pytest.mark.parametrize("producer", PRODUCERS)
def test_summary_typo_81_9886(producer):
    r = audited(f"seed-{producer}.pdf")
    hits = _find(r, rule="ARI004", value="81.9886", min_severity="error")
    assert len(hits) == 1
    f = hits[0]
    assert f.expected == "81.9386"
    assert "81.9386" in f.values
    assert f.location is not None and f.location.page == r.findings[0].location.page or f.location.page > 0
    assert "one digit differs" in (f.cause or "")
    assert f.stage == "raw_material_acquisition"


@pytest.mark.parametrize("producer", PRODUCERS)
@pytest.mark.parametrize("factor,implied", [("0.055539", "2.162"), ("0.0726", "3.096")])
def test_per_gj_factors(producer, factor, implied):
    r = audited(f"seed-{producer}.pdf")
    arithmetic = _find(r, category="arithmetic", value=factor, min_severity="error")
    assert arithmetic, f"no arithmetic finding resting on {factor}"
    assert any("GJ" in (f.cause or "") and implied in (f.cause or "") for f in arithmetic)
    fac = _find(r, rule="FAC001", value=factor, min_severity="error")
    assert len(fac) == 1 and "GJ" in fac[0].message


@pytest.mark.parametrize("producer", PRODUCERS)
def test_uniform_regional_table(producer):
    r = audited(f"seed-{producer}.pdf")
    hits = _find(r, rule="FAC003", value="0.5777", min_severity="warning")
    assert len(hits) == 1
    assert hits[0].message_id == "FAC003.uniform-official"
    assert {"FAC003.every-region", "FAC003.every-year"} <= _ids(hits[0].params)
    assert "0.6205" in hits[0].message   # the official 2023 footprint factor
    vintage = _find(r, rule="FAC004", value="0.5777")
    assert vintage and "0.6205" in vintage[0].message


@pytest.mark.parametrize("producer", PRODUCERS)
def test_cradle_to_grave_without_use_stage(producer):
    r = audited(f"seed-{producer}.pdf")
    hits = _find(r, rule="BND001", evidence="摇篮到坟墓", min_severity="warning")
    assert len(hits) == 1 and hits[0].stage == "use"


@pytest.mark.parametrize("producer", PRODUCERS)
def test_storage_only_on_cover(producer):
    r = audited(f"seed-{producer}.pdf")
    hits = _find(r, category="boundary", evidence="仓储", min_severity="warning")
    assert len(hits) == 1 and hits[0].stage == "storage"
    assert hits[0].message_id == "BND003.no-data-not-listed" and "place.cover" in str(hits[0].params["places"])


@pytest.mark.parametrize("producer", PRODUCERS)
def test_ar5_dated_2021(producer):
    r = audited(f"seed-{producer}.pdf")
    hits = _find(r, rule="CON001", value="2021", min_severity="warning")
    assert len(hits) == 1 and "AR6" in hits[0].message


@pytest.mark.parametrize("producer", PRODUCERS)
def test_footprint_factor_labelled_co2(producer):
    r = audited(f"seed-{producer}.pdf")
    assert _find(r, rule="CON002", value="0.5777")


@pytest.mark.parametrize("producer", PRODUCERS)
def test_corrected_seed_is_clean(producer):
    r = audited(f"seed-corrected-{producer}.pdf")
    assert r.status == "ok"
    errors = [f for f in r.findings if f.severity == "error"]
    warnings = [f for f in r.findings if f.severity == "warning"]
    assert errors == [], [f.message for f in errors]
    assert len(warnings) <= 1, [f.message for f in warnings]
    assert r.coverage.inventory_lines == 8 and r.coverage.results_rows == 6


@pytest.mark.parametrize("name", ["synth-3-seed-docx.pdf", "synth-7-wide-html.pdf", "synth-7-wide-reportlab.pdf",
                                  "synth-3-seed-reportlab.pdf"])
def test_synthetic_clean_reports(name):
    r = audited(name)
    assert r.status == "ok"
    assert [f.message for f in r.findings if f.severity == "error"] == []
    assert r.coverage.inventory_lines > 0 and r.coverage.results_rows > 0


def test_every_seed_defect_has_location_and_why():
    r = audited("seed-docx.pdf")
    for f in r.findings:
        assert f.message
        if f.category in ("arithmetic", "percentage", "factor"):
            assert f.location is not None and f.location.page >= 1 and f.location.bbox is not None
