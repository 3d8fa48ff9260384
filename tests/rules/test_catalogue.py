"""The catalogue: every rule documented, coded, named and categorised, and covered by failing and passing cases."""
from __future__ import annotations

import re

import pytest

from auditor.engine.registry import RegistryError, registry
from auditor.engine.base import Rule
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


def test_registry_rejects_duplicate_codes():
    """Two rules with one code, or one name for two codes, or a class that is no rule: the registry refuses."""
    from auditor.engine.registry import build_registry
    from auditor.rules import RULES

    class Dup(Rule):
        """Dup.

        Why: x. Fails: x. Passes: x.
        """
        code = "ARI001"
        name = "duplicate-of-line-product"

    class SameName(Rule):
        """Same name."""
        code = "ARI999"
        name = "line-product-mismatch"

    with pytest.raises(RegistryError, match="duplicate rule code ARI001"):
        build_registry([*RULES, Dup])
    with pytest.raises(RegistryError, match="duplicate rule name line-product-mismatch"):
        build_registry([*RULES, SameName])
    with pytest.raises(RegistryError, match="not a rule"):
        build_registry([*RULES, object])
    assert list(build_registry(RULES)) == list(registry())


def test_every_rule_class_is_listed():
    """RULES is the registry: a Rule subclass written in a family module but not listed would never run."""
    import inspect

    import auditor.rules as pkg
    from auditor.rules import RULES

    written = {obj for mod in (getattr(pkg, n) for n in dir(pkg)) if inspect.ismodule(mod)
               for _, obj in inspect.getmembers(mod, inspect.isclass)
               if issubclass(obj, Rule) and obj is not Rule and obj.__module__ == mod.__name__}
    assert written and written == set(RULES)


def test_category_is_the_family():
    """A rule's category is its module's family (auditor.rules.factor -> factor; meta -> internal)."""
    from auditor.engine.base import FAMILY_CATEGORY

    for rule in registry().values():
        assert rule.category == FAMILY_CATEGORY[rule.__module__.rsplit(".", 1)[-1]], rule.code
