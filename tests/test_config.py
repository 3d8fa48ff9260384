"""Configuration through the CLI: select / ignore by code, prefix, name or category; severity overrides; tolerance;
factor libraries; rule settings; and bad configuration refused with exit 2."""
from __future__ import annotations

import json
import textwrap

import pytest
from typer.testing import CliRunner

from auditor.cli import app
from tests.conftest import FIXTURES

runner = CliRunner()
SEED = str(FIXTURES / "seed-reportlab.pdf")


def check(tmp_path, toml: str | None = None, *args, name: str = "auditor.toml"):
    """Run `auditor check SEED --format json` with a temporary config; returns (exit code, findings, stderr)."""
    argv = ["check", SEED, "--format", "json", "--fail-on", "never", *args]
    if toml is not None:
        cfg = tmp_path / name
        cfg.write_text(textwrap.dedent(toml), encoding="utf-8")
        argv += ["--config", str(cfg)]
    res = runner.invoke(app, argv)
    if res.exit_code != 0:
        return res.exit_code, [], res.stderr if hasattr(res, "stderr") else res.output
    return res.exit_code, json.loads(res.stdout)["reports"][0]["findings"], ""


def codes(findings) -> set[str]:
    return {f["rule"] for f in findings}


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    _, findings, _ = check(tmp_path_factory.mktemp("base"))
    return findings


def test_baseline_has_several_families(baseline):
    assert {"ARI004", "FAC001", "BND001", "CON001"} <= codes(baseline)


def test_select_by_prefix(tmp_path, baseline):
    _, f, _ = check(tmp_path, 'select = ["ARI"]\n')
    assert codes(f) and all(c.startswith("ARI") for c in codes(f))
    assert codes(f) == {c for c in codes(baseline) if c.startswith("ARI")}


def test_select_by_category_and_name(tmp_path):
    _, f, _ = check(tmp_path, 'select = ["boundary", "gwp-source-year"]\n')
    assert codes(f) == {c for c in codes(f) if c.startswith("BND")} | ({"CON001"} & codes(f))
    assert "CON001" in codes(f) and any(c.startswith("BND") for c in codes(f))


def test_ignore_by_code_name_and_category(tmp_path, baseline):
    _, f, _ = check(tmp_path, 'ignore = ["ARI004", "factor-energy-basis", "boundary"]\n')
    assert not codes(f) & {"ARI004", "FAC001"}
    assert not any(c.startswith("BND") for c in codes(f))
    assert "ARI001" in codes(f)


def test_cli_flags_on_top_of_the_file(tmp_path):
    _, f, _ = check(tmp_path, 'select = ["ARI"]\n', "--ignore", "ARI001,ARI002")
    assert codes(f) == {"ARI004"}
    _, f, _ = check(tmp_path, 'select = ["ARI"]\n', "--select", "CON001")
    assert codes(f) == {"CON001"}


def test_severity_overrides_by_code_prefix_and_category(tmp_path):
    _, f, _ = check(tmp_path, '''
        [severity]
        ARI004 = "warning"
        CON = "info"
        boundary = "info"
        BND001 = "error"
    ''')
    sev = {(x["rule"], x["severity"]) for x in f}
    assert ("ARI004", "warning") in sev
    assert all(s == "info" for r, s in sev if r.startswith("CON"))
    assert ("BND001", "error") in sev          # the code beats the category
    assert all(s == "info" for r, s in sev if r.startswith("BND") and r != "BND001")


def test_pyproject_tool_auditor_is_discovered(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.auditor]\nselect = ["CON001"]\n',
                                             encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, ["check", SEED, "--format", "json", "--fail-on", "never"])
    assert res.exit_code == 0
    assert codes(json.loads(res.stdout)["reports"][0]["findings"]) == {"CON001"}


def test_tolerance_slack_absorbs_the_summary_typo(tmp_path, baseline):
    assert "ARI004" in codes(baseline)
    _, f, _ = check(tmp_path, '[tolerance]\nrel_slack = 0.01\n')
    assert "ARI004" not in codes(f)
    _, f, _ = check(tmp_path, '[tolerance]\nabs-slack = 0.1\n')
    assert "ARI004" not in codes(f)


def test_rounding_mode_reaches_the_findings(tmp_path):
    _, f, _ = check(tmp_path, 'select = ["ARI"]\n[tolerance]\nrounding = "truncate"\n')
    tolerances = {x["detail"]["tolerance"] for x in f if x.get("detail") and x["detail"].get("tolerance")}
    assert tolerances and all("truncated" in t for t in tolerances)
    # the seed's arithmetic defects do not depend on the rounding mode
    assert {"ARI001", "ARI002", "ARI004"} <= codes(f)


def test_rule_settings(tmp_path, baseline):
    assert "FAC003" in codes(baseline)
    _, f, _ = check(tmp_path, '[rules.FAC003]\nmin_rows = 10\n')
    assert any(x["rule"] == "FAC003" and "FAC003.every-year" in _ids(x["params"])
               and "FAC003.every-region" not in _ids(x["params"]) for x in f)


def _ids(params) -> set[str]:
    """The catalogue ids of the messages nested in a finding's parameters (as the JSON output gives them)."""
    if isinstance(params, dict):
        return ({params["id"]} if "id" in params else set()).union(*(_ids(v) for v in params.values()))
    if isinstance(params, list):
        return set().union(*(_ids(v) for v in params))
    return set()


def test_factor_library_from_config_overrides_an_entry(tmp_path, baseline):
    assert any(x["rule"] == "FAC001" and "0.0726" in x["values"] for x in baseline)
    lib = tmp_path / "my-factors.toml"
    lib.write_text(textwrap.dedent('''
        # our own diesel default: no per-GJ figure known, so 0.0726 is no longer recognised as one
        [[factor]]
        id = "fuel-diesel"
        item = "diesel"
        names = ["柴油"]
        value = "3.0959"
        unit = "kgCO2/kg"
        series = "CO2"
        kind = "fuel"
        source = "company library"
    '''), encoding="utf-8")
    _, f, _ = check(tmp_path, 'factors = ["my-factors.toml"]\n')
    assert not any(x["rule"] == "FAC001" and "0.0726" in x["values"] for x in f)
    assert any(x["rule"] == "FAC001" and "0.055539" in x["values"] for x in f)
    # the same through --factors
    res = runner.invoke(app, ["check", SEED, "--format", "json", "--fail-on", "never", "--factors", str(lib)])
    f2 = json.loads(res.stdout)["reports"][0]["findings"]
    assert not any(x["rule"] == "FAC001" and "0.0726" in x["values"] for x in f2)


@pytest.mark.parametrize("toml,message", [
    ('select = ["ARI01X"]\n', "no rule matches"),
    ('ignore = ["arithmetc"]\n', "no rule matches"),
    ('[severity]\nXYZ001 = "info"\n', "no rule matches"),
    ('[rules.FAC003]\nmin_rowz = 3\n', None),
    ('[rules.FAC003]\nmin_rows = "many"\n', "settings for FAC003"),
    ('[tolerance]\nrounding = "bankers"\n', None),
    ('factors = ["missing.toml"]\n', "cannot read"),
    ('colour = true\n', None),
])
def test_bad_configuration_exits_2(tmp_path, toml, message):
    code, _, err = check(tmp_path, toml)
    assert code == 2
    if message:
        assert message in err


def test_bad_factor_file_is_refused(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[factor]]\nid = "x"\nvalue = "abc"\n', encoding="utf-8")
    code, _, err = check(tmp_path, f'factors = ["{bad.name}"]\n')
    assert code == 2 and "factor #1 (x)" in err


def test_rules_command_formats():
    res = runner.invoke(app, ["rules", "--format", "json"])
    items = json.loads(res.stdout)
    assert {"code", "name", "category", "severity", "summary", "docs", "settings"} <= set(items[0])
    assert len(items) >= 22
    res = runner.invoke(app, ["rules", "FAC", "--format", "text"])
    assert res.exit_code == 0 and all(line.startswith(("FAC", "        ")) for line in res.stdout.splitlines())
    assert sum(line.startswith("FAC") for line in res.stdout.splitlines()) == sum(i["code"].startswith("FAC")
                                                                                   for i in items)
    assert runner.invoke(app, ["rules", "NOPE"]).exit_code == 2
    md = runner.invoke(app, ["rules", "--format", "markdown"]).stdout
    assert md.startswith("# Rule catalogue") and "## PCT001" in md


def test_explain():
    res = runner.invoke(app, ["explain", "fac003"])
    assert res.exit_code == 0
    for part in ("FAC003 factor-table-uniform", "Why:", "Fails:", "Passes:", "min_rows (default 3)", "ignore ="):
        assert part in res.stdout
    res = runner.invoke(app, ["explain", "line-product"])
    assert res.exit_code == 2 and "line-product-mismatch" in res.stderr


def test_docs_rules_md_is_current():
    """docs/rules.md is generated: regenerate with `auditor rules --format markdown > docs/rules.md`."""
    from pathlib import Path

    from auditor.engine.registry import rules_catalogue_markdown

    path = Path(__file__).resolve().parent.parent / "docs" / "rules.md"
    assert path.read_text(encoding="utf-8") == rules_catalogue_markdown(), \
        "docs/rules.md is stale: run `.venv/bin/auditor rules --format markdown > docs/rules.md`"
