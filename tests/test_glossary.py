"""The glossary (auditor/data/glossary.toml): well formed, its fixed terms translated the same way in every message
and rule doc of the catalogues, and docs/glossary.md generated from it."""
from __future__ import annotations

import importlib.machinery
import importlib.util
import re
import sys
import tomllib
from pathlib import Path

import pytest

from auditor import i18n

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / "auditor" / "data" / "glossary.toml"
KEYS = {"en", "zh", "group", "aliases_en", "aliases_zh", "except_en", "note", "check"}


def _script(name: str):
    """A script of scripts/ (no .py suffix) as a module."""
    mod_name = "_script_" + name.replace("-", "_")
    if mod_name in sys.modules:
        return sys.modules[mod_name]
    loader = importlib.machinery.SourceFileLoader(mod_name, str(ROOT / "scripts" / name))
    spec = importlib.util.spec_from_loader(mod_name, loader)
    assert spec is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[mod_name] = mod
    loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def check():
    return _script("glossary-check")


@pytest.fixture(scope="module")
def data() -> dict:
    with open(GLOSSARY, "rb") as fh:
        return tomllib.load(fh)


def po(lang: str) -> i18n.Catalog:
    return i18n.read_po(lang, (ROOT / "auditor" / "locale" / f"{lang}.po").read_bytes())


def po_text(entries: dict[str, str]) -> bytes:
    head = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    return (head + "".join(f'msgid "{k}"\nmsgstr "{v}"\n\n' for k, v in entries.items())).encode()


# ---------------------------------------------------------------- the file


def test_glossary_loads(data):
    assert 60 <= len(data["term"]) <= 120
    assert any(t.get("check") for t in data["term"])


def test_every_term_has_en_zh_and_a_one_line_note(data):
    groups = set(data.get("groups", {}))
    bad = []
    for i, t in enumerate(data["term"]):
        where = f"term {i} ({t.get('en')!r})"
        if set(t) - KEYS:
            bad.append(f"{where}: unknown keys {sorted(set(t) - KEYS)}")
        for key in ("en", "zh", "note", "group"):
            if not isinstance(t.get(key), str) or not t[key].strip():
                bad.append(f"{where}: no {key}")
        if "\n" in t.get("note", ""):
            bad.append(f"{where}: the note is more than one line")
        if t.get("group") not in groups:
            bad.append(f"{where}: group {t.get('group')!r} is not in [groups]")
        if not re.search(r"[\u3400-\u9fff]", t.get("zh", "")):
            bad.append(f"{where}: zh holds no Chinese")
        for key in ("aliases_en", "aliases_zh", "except_en"):
            v = t.get(key, [])
            if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
                bad.append(f"{where}: {key} is not a list of words")
        if not isinstance(t.get("check", False), bool):
            bad.append(f"{where}: check is not true or false")
    assert bad == [], "\n".join(bad)


def test_no_duplicate_terms(data):
    seen_en: dict[str, str] = {}
    seen_zh: dict[str, str] = {}
    dup = []
    for t in data["term"]:
        for key, seen in (("en", seen_en), ("zh", seen_zh)):
            k = t[key].lower()
            if k in seen:
                dup.append(f"{key} {t[key]!r} twice")
            seen[k] = t[key]
    assert dup == []


def test_an_english_alias_names_one_term(data):
    """An English alias that is another term, or an alias of two terms, would make the check ambiguous."""
    owner: dict[str, str] = {t["en"].lower(): t["en"] for t in data["term"]}
    bad = []
    for t in data["term"]:
        for a in t.get("aliases_en", []):
            if a.lower() in owner:
                bad.append(f"{t['en']!r}: alias {a!r} is also {owner[a.lower()]!r}")
            owner[a.lower()] = t["en"]
    assert bad == []


def test_fixed_terms_are_marked_in_a_few_places_only(data):
    """check = true is for terms whose Chinese is fixed, not for every word."""
    fixed = {t["en"] for t in data["term"] if t.get("check")}
    assert {"activity data", "emission factor", "system boundary", "functional unit", "global warming potential",
            "cut-off criteria", "allocation", "verification statement"} <= fixed
    assert len(fixed) < len(data["term"]) / 2


# ---------------------------------------------------------------- the check itself


def test_the_check_finds_a_term_translated_another_way(check):
    en = i18n.read_po("en", po_text({"a": "the factor {factor} of {item}", "b": "{item}: allocation factor {x}",
                                     "c": "the factors add up", "d": "per unit",
                                     "e": "the allocation factors and the factors"}))
    zh = i18n.read_po("zh", po_text({"a": "{item}的排放系数 {factor}", "b": "{item}：分配系数 {x}",
                                     "c": "各排放因子相加", "d": "每单位", "e": "各分配系数"}))
    terms = check.load_glossary()
    found = check.inconsistencies(terms, en, zh)
    # a: "factor" is an emission factor said as 排放系数; b, e: allocation factors; c: says it; d: no term;
    # the placeholder {factor} is not the word
    assert [(f.id, f.term.zh) for f in found] == [("a", "排放因子")]
    assert "the factor {factor} of {item}" in str(found[0]) and "排放系数" in str(found[0])


def test_a_placeholder_is_not_the_term(check):
    terms = [t for t in check.load_glossary() if t.en == "emission factor"]
    assert not check.mentions(terms[0], "{factor} x {activity}")
    assert not check.mentions(terms[0], "see --factors and `factor`")
    assert check.mentions(terms[0], "Factors differ")
    assert not check.mentions(terms[0], "factor-energy-basis")


# ---------------------------------------------------------------- the catalogues


def _report(found) -> str:
    return f"{len(found)} message(s) do not use the glossary's Chinese for a fixed term " \
           "(auditor/data/glossary.toml):\n\n" + "\n\n".join(str(f) for f in found)


def test_messages_use_the_fixed_terms(check):
    """Every message whose English holds a fixed term (check = true) says it the glossary's way in Chinese."""
    found = check.inconsistencies(check.load_glossary(), po("en"), po("zh"))
    if found:
        pytest.fail(_report(found), pytrace=False)


def test_rule_docs_use_the_fixed_terms(check):
    """The rules' Chinese docs (doc.CODE in zh.po) against their English docstrings."""
    zh = po("zh")
    docs = {k: v for k, v in check.rule_docs().items() if k in zh.messages}
    assert docs, "no doc.CODE in zh.po"
    found = check.inconsistencies(check.load_glossary(), po("en"), zh, docs)
    if found:
        pytest.fail(_report(found), pytrace=False)


# ---------------------------------------------------------------- docs/glossary.md


def test_docs_page_is_current():
    md = _script("glossary-md")
    page = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    assert page == md.markdown(md.load()), "docs/glossary.md is stale: run scripts/glossary-md --write"
