"""The engine: rounding semantics, selection, severity overrides, crash isolation, the factor library, diagnoses."""
from __future__ import annotations

import random
from decimal import Decimal

import pytest

from auditor.engine.config import Config, Tolerance
from auditor.engine.diagnose import cause_for, copied_from, decimal_shift, digit_slip, explain_slip, unit_slip
from auditor.engine.base import Context
from auditor.engine.registry import registry
from auditor.engine.pipeline import run_rules
from auditor.engine.select import selected, severity_override, unknown_selectors
from auditor.model import Quantity, Report
from auditor.numbers import Interval
from auditor.engine.reference import LibraryError, load_library, region_key

D = Decimal


def q(text: str) -> Quantity:
    v = D(text)
    return Quantity(text=text, value=v, decimals=max(-v.as_tuple().exponent, 0))


def ctx(mode="half-up", **kw) -> Context:
    return Context(config=Config(tolerance=Tolerance(rounding=mode, **kw)))


# ---------------------------------------------------------------- rounding modes

@pytest.mark.parametrize("mode", ["half-up", "half-even", "truncate"])
def test_printed_interval_contains_every_value_that_prints_so(mode):
    """The semantics in one property: format an exact value under the mode, and the interval of the printed text
    contains the exact value."""
    rng = random.Random(7)
    c = ctx(mode)
    for _ in range(3000):
        x = D(rng.randint(-10**7, 10**7)) / D(10) ** rng.randint(0, 6)
        for dp in (0, 1, 2, 4):
            printed = c.fmt(x, dp)
            assert c.interval(q(printed)).contains(x), (mode, x, dp, printed)


def test_ties_half_up_versus_half_even():
    assert ctx("half-up").fmt(D("0.125"), 2) == "0.13"
    assert ctx("half-even").fmt(D("0.125"), 2) == "0.12"
    assert ctx("half-even").fmt(D("0.135"), 2) == "0.14"
    # both tie points belong to 0.12 under half-even: 0.115 rounds up to the even 2, 0.125 down to it
    iv = ctx("half-even").interval(q("0.12"))
    assert iv.contains(D("0.115")) and iv.contains(D("0.125"))


def test_truncate_is_toward_zero_for_both_signs():
    c = ctx("truncate")
    assert c.fmt(D("1.2399"), 2) == "1.23" and c.fmt(D("-1.2399"), 2) == "-1.23"
    assert c.interval(q("1.23")) == Interval(D("1.23"), D("1.24"))
    assert c.interval(q("-1.23")) == Interval(D("-1.24"), D("-1.23"))
    assert not ctx("half-up").interval(q("1.23")).contains(D("1.2399"))


def test_slack_widens_intervals():
    assert ctx(abs_slack=0.01).interval(q("1.00")) == Interval(D("0.985"), D("1.015"))
    iv = ctx(rel_slack=0.1).interval(q("100"))
    assert iv.lo == D("89.5") and iv.hi == D("110.5")


def test_tolerance_text_names_the_mode():
    assert "truncated" in ctx("truncate").tolerance_text()
    assert "half to even" in ctx("half-even").tolerance_text()
    assert "slack" in ctx(abs_slack=0.1).tolerance_text()


# ---------------------------------------------------------------- selection and severities

def test_selected_by_code_prefix_name_category():
    cfg = Config(select=["ARI", "gwp-source-year", "Boundary"], ignore=["ARI003"])
    assert selected("ARI001", "line-product-mismatch", "arithmetic", cfg)
    assert not selected("ARI003", "total-sum-mismatch", "arithmetic", cfg)
    assert selected("CON001", "gwp-source-year", "consistency", cfg)
    assert selected("BND002", "stage-list-inconsistent", "boundary", cfg)
    assert not selected("FAC001", "factor-energy-basis", "factor", cfg)


def test_severity_override_precedence():
    cfg = Config(severity={"arithmetic": "info", "ARI": "warning", "ARI00": "error", "ARI004": "info",
                           "total-sum-mismatch": "warning"})
    assert severity_override("ARI004", "quoted-value-mismatch", "arithmetic", cfg) == "info"     # code
    assert severity_override("ARI003", "total-sum-mismatch", "arithmetic", cfg) == "warning"     # name
    assert severity_override("ARI001", "line-product-mismatch", "arithmetic", cfg) == "error"    # longest prefix
    assert severity_override("PCT001", "percent-mismatch", "percentage", cfg) is None


def test_unknown_selectors_are_named():
    cfg = Config(select=["ARI", "XYZ"], ignore=["nonsense"], severity={"FAC099": "info"}, rules={"FAC": {}})
    bad = unknown_selectors(cfg)
    assert bad == ["select: 'XYZ'", "ignore: 'nonsense'", "severity: 'FAC099'", "rules: 'FAC'"]


def test_a_crashing_rule_becomes_a_finding_and_the_others_run(monkeypatch):
    def boom(self, report, ctx):
        raise ZeroDivisionError("x")

    monkeypatch.setattr(registry()["PCT002"], "check", boom)
    findings = run_rules(Report(), Config())
    crashed = [f for f in findings if f.rule == "INT001"]
    assert len(crashed) == 1 and "PCT002" in crashed[0].message and "ZeroDivisionError" in crashed[0].message
    assert any(f.rule == "EXT001" for f in findings)


def test_every_rule_runs_on_an_empty_report():
    findings = run_rules(Report(), Config())
    assert not [f for f in findings if f.rule == "INT001"], [f.message for f in findings]


# ---------------------------------------------------------------- the factor library

def test_library_has_the_reference_notes():
    lib = load_library()
    assert lib.official_national(2024, "CO2e").value == D("0.5777")
    assert lib.official_national(2023, "CO2e").value == D("0.6205")
    assert lib.official_national(2023, "CO2").value == D("0.5306")
    assert lib.regional("华北", 2021) == (D("0.7120"), "regional CO2 factor")
    assert lib.regional("浙江省", 2023) == (D("0.4974"), "provincial CO2 factor")
    assert [f.id for f in lib.for_item("光伏发电")][0].startswith("cn-grid-footprint-pv")
    assert {f.per for f in lib.for_item("柴油")} == {"kg", "L"}
    assert lib.gwp_reports_for("CH4", D("25")) == ["AR4"]
    assert D("29.8") in lib.gwp_values("CH4", "AR6")
    for f in lib.factors:
        assert f.source and f.unit and f.series in ("CO2", "CO2e")
        if f.confidence == "official":
            assert f.vintage and f.announced and f.announced.year >= f.vintage


def test_region_names():
    assert region_key("浙江省") == region_key("浙江") == "浙江"
    assert region_key("华东电网") == region_key("华东区域") == "华东"


def test_library_errors_are_clear(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[[factor]]\nid = 1\n", encoding="utf-8")
    with pytest.raises(LibraryError, match="factor #1"):
        load_library([bad])
    bad.write_text("not toml [", encoding="utf-8")
    with pytest.raises(LibraryError, match="not valid TOML"):
        load_library([bad])
    bad.write_text("[regional]\nx = 1\n", encoding="utf-8")
    with pytest.raises(LibraryError, match="unknown table"):
        load_library([bad])
    with pytest.raises(LibraryError, match="cannot read"):
        load_library([tmp_path / "missing.toml"])


def test_user_library_overrides_and_adds(tmp_path):
    f = tmp_path / "mine.toml"
    f.write_text('''
[[factor]]
id = "mat-packaging"
item = "packaging"
names = ["包装材料", "纸箱"]
value = "1.3"
unit = "kgCO2e/kg"
series = "CO2e"
kind = "material"
low = "0.8"
high = "2.5"
confidence = "range"
source = "company database 2025"
''', encoding="utf-8")
    lib = load_library([f])
    assert [x.id for x in lib.for_item("纸箱")] == ["mat-packaging"]
    assert lib.files[-1] == str(f)


# ---------------------------------------------------------------- diagnoses

@pytest.mark.parametrize("stated,expected,cause", [
    ("81.9886", "81.9386", "one digit differs: 8 printed for 3 in the 2nd decimal place"),
    ("1.1416", "1.1146", "two adjacent digits swapped: 41 printed for 14"),
    ("18.2035", "13.2085", "two digits swapped"),
    ("94.311", "94.4311", "a digit left out"),
    ("81.99386", "81.9386", "a digit typed twice or inserted"),
    ("81.9386", "81.9386", None),
    ("12.5", "98.1", None),
])
def test_digit_slips(stated, expected, cause):
    got = digit_slip(stated, expected)
    assert (got is None) if cause is None else (cause in got)


def test_shifts_and_unit_slips():
    assert "10x larger" in decimal_shift(D("20.5"), D("2.05"))
    assert "1,000x smaller" in decimal_shift(D("0.00205"), D("2.05"))
    assert "per t applied per kg" in unit_slip(D("2050"), D("2.05"))
    assert unit_slip(D("20.5"), D("2.05")) is None


def test_copied_and_cause_for():
    assert "copied" in copied_from(D("1.1146"), "1.1146", [("原材料运输", "1.1146")])
    assert copied_from(D("1.1146"), "1.1146", [("原材料运输", "1.9306")]) is None
    assert "copied" in cause_for("1.1146", D("1.1146"), D("1.9306"), 4, others=[("x", "1.1146")])


def test_explain_slip_picks_the_variant_inside_the_implied_interval():
    pi = lambda v, d: Interval.printed(v, d)  # noqa: E731
    assert explain_slip("0.5787", 4, Interval(D("0.57769"), D("0.57772")), pi)[0] == "0.5777"
    assert "swapped" in explain_slip("1.1416", 4, pi(D("1.1146"), 4), pi)[1]
    assert explain_slip("5.0000", 4, pi(D("7.3125"), 4), pi) is None
