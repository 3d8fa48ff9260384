"""The catalogue: every rule documented, coded, named and categorised, and covered by failing and passing cases."""
from __future__ import annotations

import re

import pytest

from auditor.engine import RegistryError, Rule, registry
from tests.rules.test_cases import load_case_files

CATEGORIES = {"arithmetic", "percentage", "factor", "boundary", "consistency", "extraction", "internal"}
PREFIX = {"arithmetic": "ARI", "percentage": "PCT", "factor": "FAC", "boundary": "BND", "consistency": "CON",
          "extraction": "EXT"}
RULES = sorted(registry().items())


def test_at_least_twenty_checks():
    real = [c for c, r in RULES if r.category != "internal"]
    assert len(real) >= 20, real


@pytest.mark.parametrize("code,rule", RULES, ids=[c for c, _ in RULES])
def test_rule_metadata(code, rule):
    assert re.fullmatch(r"[A-Z]{3}\d{3}", code)
    assert rule.code == code
    assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)+", rule.name), rule.name
    assert rule.category in CATEGORIES
    assert rule.severity in ("error", "warning", "info")
    if rule.category in PREFIX:
        assert code.startswith(PREFIX[rule.category]), f"{code}: a {rule.category} rule should start with " \
                                                       f"{PREFIX[rule.category]}"
    docs = rule.docs()
    for word in ("Why", "Fails", "Passes"):
        assert word in docs, f"{code}: docs lack {word!r}"
    assert rule.summary() and len(rule.summary()) < 260
    rule.Settings()   # defaults must validate


def test_names_unique():
    names = [r.name for _, r in RULES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("code", [c for c, _ in RULES])
def test_rule_has_failing_and_passing_cases(code):
    files = load_case_files()
    assert code in files, f"no tests/rules/cases/{code}.yaml"
    cases = files[code]["cases"]
    assert any(c.get("expect") for c in cases), f"{code}: no failing case"
    assert any(not c.get("expect") for c in cases), f"{code}: no passing case"


def test_no_case_file_without_rule():
    assert set(load_case_files()) <= set(registry())


def test_registry_rejects_duplicate_codes(monkeypatch, tmp_path):
    """Two rules with one code: the registry refuses to load."""
    import sys
    import types

    import rules as pkg

    mod = types.ModuleType("rules.zz_duplicate")

    class Dup(Rule):
        """Dup.

        Why: x. Fails: x. Passes: x.
        """
        code = "ARI001"
        name = "duplicate-of-line-product"
        category = "arithmetic"

    Dup.__module__ = mod.__name__
    mod.Dup = Dup
    (tmp_path / "zz_duplicate.py").write_text("", encoding="utf-8")
    monkeypatch.setitem(sys.modules, mod.__name__, mod)
    monkeypatch.setattr(pkg, "__path__", list(pkg.__path__) + [str(tmp_path)])
    registry.cache_clear()
    try:
        with pytest.raises(RegistryError, match="duplicate rule code ARI001"):
            registry()
    finally:
        monkeypatch.undo()
        registry.cache_clear()
        registry()
