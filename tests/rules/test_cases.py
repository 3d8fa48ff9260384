"""Rule cases as data: every tests/rules/cases/<CODE>.yaml becomes parametrized test cases.

A case file:

    rule: ARI001
    cases:
      - name: diesel factor printed per GJ
        report: {inventory: {stages: [{stage: 原材料运输, lines: [{item: 柴油, activity: "0.3600 kg", ...}]}]}}
        config: {tolerance: {rounding: truncate}}     # optional; select defaults to the file's rule
        expect:                                      # the findings of this rule, all of them ([] = none)
          - {severity: error, values: ["0.0726"], message: "0.0261", cause: "GJ"}

Each expected finding matches on the keys it gives: rule (default: the file's), severity, category, stage,
expected (exact), values (each among the finding's), evidence (each a substring of one evidence string), message
and cause (substring, or a list of substrings; cause: null means no cause), detail (stated, computed,
tolerance substring, steps: substrings each found in some step). `at_least: true` allows further findings.
`crash: CODE` makes that rule raise (for INT001).
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from auditor.api import audit_report
from auditor.engine.config import Config
from auditor.engine.registry import registry
from auditor.model import Finding
from tests.rules.build import build_report

CASES = Path(__file__).parent / "cases"


def load_case_files() -> dict[str, dict]:
    out = {}
    for path in sorted(CASES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert data.get("rule") == path.stem, f"{path.name}: rule {data.get('rule')!r} must match the file name"
        out[path.stem] = data
    return out


def _params():
    for code, data in load_case_files().items():
        for i, case in enumerate(data.get("cases", [])):
            yield pytest.param(code, case, id=f"{code}-{i}-{case.get('name', '')}")


def _subs(want) -> list[str]:
    return [want] if isinstance(want, str) else list(want)


def matches(want: dict, f: Finding, code: str) -> list[str]:
    """Why f does not match the expectation (empty: it matches)."""
    why = []
    if f.rule != want.get("rule", code):
        why.append(f"rule {f.rule}")
    for key in ("severity", "category", "stage", "expected"):
        if key in want and getattr(f, key) != want[key]:
            why.append(f"{key} {getattr(f, key)!r} != {want[key]!r}")
    for v in want.get("values", []):
        if str(v) not in f.values:
            why.append(f"value {v!r} not in {f.values}")
    for e in want.get("evidence", []):
        if not any(e in x for x in f.evidence):
            why.append(f"evidence {e!r} not in {f.evidence}")
    for s in _subs(want.get("message", [])):
        if s not in f.message:
            why.append(f"message lacks {s!r}: {f.message}")
    if "cause" in want:
        if want["cause"] is None:
            if f.cause:
                why.append(f"unexpected cause {f.cause!r}")
        else:
            for s in _subs(want["cause"]):
                if s not in (f.cause or ""):
                    why.append(f"cause lacks {s!r}: {f.cause!r}")
    d = want.get("detail")
    if d:
        if f.detail is None:
            why.append("no detail")
        else:
            for key in ("stated", "computed"):
                if key in d and getattr(f.detail, key) != d[key]:
                    why.append(f"detail.{key} {getattr(f.detail, key)!r} != {d[key]!r}")
            if "tolerance" in d and d["tolerance"] not in (f.detail.tolerance or ""):
                why.append(f"detail.tolerance lacks {d['tolerance']!r}")
            for s in d.get("steps", []):
                if not any(s in step for step in f.detail.steps):
                    why.append(f"no step contains {s!r}: {f.detail.steps}")
            for key in ("stated_interval", "computed_interval"):
                if d.get(key) is True and getattr(f.detail, key) is None:
                    why.append(f"detail.{key} missing")
    return why


def run_case(code: str, case: dict, monkeypatch=None) -> list[Finding]:
    report = build_report(case.get("report") or {})
    cfg = Config.model_validate({"lang": "en", **(case.get("config") or {})})
    crash = case.get("crash")
    if not cfg.select:
        cfg.select = [code] + ([crash] if crash else [])
    if crash:
        def boom(self, report, ctx):
            raise RuntimeError("injected failure")
        monkeypatch.setattr(registry()[crash], "check", boom)
    result = audit_report(report, cfg)
    return [f for f in result.findings if f.rule == code]


@pytest.mark.parametrize("code,case", list(_params()))
def test_rule_case(code, case, monkeypatch):
    found = run_case(code, case, monkeypatch)
    expected = case.get("expect") or []
    shown = "\n".join(f"  {f.rule} {f.severity}: {f.message} | cause={f.cause} | values={f.values}" for f in found)
    if not case.get("at_least"):
        assert len(found) == len(expected), f"{len(found)} finding(s), expected {len(expected)}:\n{shown}"
    for want in expected:
        reasons = [matches(want, f, code) for f in found]
        assert any(not r for r in reasons), f"no finding matches {want}:\n{shown}\n" + "\n".join(
            "  - " + "; ".join(r) for r in reasons)
