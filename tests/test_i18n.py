"""Every message in every language: the catalogues agree with each other and with the code, and every finding any
rule can produce (the rule cases) renders completely in each language."""
from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from auditor import i18n
from auditor.api import audit_report
from auditor.engine.config import Config
from auditor.engine.registry import registry
from tests.rules.build import build_report
from tests.rules.test_cases import load_case_files

ROOT = Path(__file__).resolve().parent.parent
LANGS = i18n.available()
CJK = re.compile(r"[\u3400-\u9fff]")
LETTERS = re.compile(r"[A-Za-z]{2,}")
# ids whose text holds no words in any language (separators, formulas of placeholders)
NO_WORDS = re.compile(r"^(sep\.|step\.(equals|quotient|quotient-scaled)$)")


def placeholders(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def texts(cat: i18n.Catalog, mid: str) -> list[str]:
    return [cat.messages[mid]] if mid in cat.messages else list(cat.plurals.get(mid, []))


def po_catalog(lang: str) -> i18n.Catalog:
    return i18n.read_po(lang, (ROOT / "auditor" / "locale" / f"{lang}.po").read_bytes())


def test_languages():
    assert {"en", "zh"} <= set(LANGS)


def rule_codes() -> set[str]:
    """Every rule with docs: the registry's and the batch cross-report checks'."""
    from auditor.batch.crosscheck import RULES as BATCH_RULES

    return set(registry()) | set(BATCH_RULES)


def is_rule_doc(mid: str) -> bool:
    """doc.CODE: a rule's docs in a language other than English (English docs are the docstrings)."""
    return mid.startswith("doc.") and mid[4:] in rule_codes()


@pytest.mark.parametrize("lang", LANGS)
def test_catalogue_has_every_message_of_english(lang):
    en, cat = po_catalog("en"), po_catalog(lang)
    assert sorted(en.ids() - cat.ids()) == [], f"{lang}.po lacks these messages"
    assert sorted(m for m in cat.ids() - en.ids() if not is_rule_doc(m)) == [], \
        f"{lang}.po has messages en.po does not"


@pytest.mark.parametrize("lang", [x for x in LANGS if x != "en"])
def test_every_rule_has_docs_in_every_language(lang):
    """`auditor explain --lang` and `auditor rules --lang` show every rule's docs translated, with the same
    examples: each example line of the English docs keeps its numbers."""
    from auditor.engine.registry import registry as reg

    cat = po_catalog(lang)
    missing = sorted(c for c in rule_codes() if not cat.get(f"doc.{c}"))
    assert missing == []
    for code, rule in reg().items():
        docs = cat.get(f"doc.{code}") or ""
        assert CJK.search(docs), code
        examples = [[ln for ln in d.splitlines() if ln.startswith("    ")] for d in (rule.docs("en"), docs)]
        numbers = [sorted(re.findall(r"\d+(?:[.,]\d+)*", "\n".join(ex))) for ex in examples]
        assert numbers[0] == numbers[1], code


@pytest.mark.parametrize("lang", LANGS)
def test_placeholders_agree_with_english(lang):
    en, cat = po_catalog("en"), po_catalog(lang)
    bad = []
    for mid in sorted(en.ids() & cat.ids()):
        want = set().union(*(placeholders(t) for t in texts(en, mid)))
        for t in texts(cat, mid):
            got = placeholders(t)
            # a language without plural forms may leave the count out of a sentence; it may not invent a name
            if got - want or (want - got) - {"n"}:
                bad.append(f"{mid}: {sorted(got)} vs English {sorted(want)}")
    assert bad == []


def test_chinese_is_translated():
    """Every Chinese text is Chinese: not the English copied, and no English words without Chinese (a separator,
    a formula of placeholders or a technical token like sha256 may hold none)."""
    en, zh = po_catalog("en"), po_catalog("zh")
    bad = []
    for mid in sorted(zh.ids()):
        if NO_WORDS.match(mid):
            continue
        for t in texts(zh, mid):
            bare = re.sub(r"\{[^}]*\}", "", t)
            en_text = " ".join(texts(en, mid))
            words = set(re.findall(r"[A-Za-z]{3,}", bare))
            en_bare = re.sub(r"\{[^}]*\}", "", en_text)
            copied = t in texts(en, mid) and len(set(re.findall(r"[A-Za-z]{3,}", en_bare))) >= 2   # "Excel" is one
            if copied or (not CJK.search(bare) and len(words) >= 2):
                bad.append(f"{mid}: {t!r}")
    assert bad == [], "untranslated"


def _source_text() -> str:
    parts = []
    for folder in ("auditor", "rules"):
        for p in sorted((ROOT / folder).rglob("*.py")):
            parts.append(p.read_text(encoding="utf-8"))
        for p in sorted((ROOT / folder).rglob("*.html")):
            parts.append(p.read_text(encoding="utf-8"))
    return "\n".join(parts)


def test_no_unused_message():
    """Every catalogue entry is named somewhere in the code (a quoted id), or is a rule's docs."""
    src = _source_text()
    unused = []
    for mid in sorted(set().union(*(po_catalog(lang).ids() for lang in LANGS))):
        if is_rule_doc(mid):
            continue
        if f'"{mid}"' not in src and f"'{mid}'" not in src:
            unused.append(mid)
    assert unused == []


def test_every_message_the_code_names_is_in_the_catalogue():
    src = _source_text()
    en = po_catalog("en").ids()
    named = set(re.findall(r"\bT\(\s*\"([A-Za-z0-9_.\-]+)\"", src))
    assert sorted(named - en) == []


def test_compiled_catalogues_are_fresh():
    """A .mo beside a .po was compiled from exactly that .po (else the loader ignores it: slower, not wrong)."""
    import gettext
    import hashlib

    for po in (ROOT / "auditor" / "locale").glob("*.po"):
        mo = po.with_suffix(".mo")
        if mo.exists():
            with mo.open("rb") as fh:
                stamp = gettext.GNUTranslations(fh).gettext(i18n.SOURCE_HEADER)
            assert stamp == hashlib.sha1(po.read_bytes()).hexdigest(), \
                f"{mo.name} is stale: run `python -m auditor.i18n compile`"


# ---------------------------------------------------------------- every finding of every rule case


def _audit(code: str, case: dict):
    cfg = {"select": [code], "lang": "en", **(case.get("config") or {})}
    return audit_report(build_report(case.get("report") or {}), Config.model_validate(cfg))


CASE_FILES = load_case_files()


@pytest.fixture(scope="module")
def case_results():
    cache: dict[str, list] = {}

    def results(code: str) -> list:
        if code not in cache:
            cache[code] = [(i, case, _audit(code, case)) for i, case in enumerate(CASE_FILES[code].get("cases", []))
                           if not case.get("crash")]
        return cache[code]
    return results


def _rendered(f, lang: str) -> list[tuple[str, str]]:
    """(field, text) of every text of the finding, rendered strictly in lang."""
    out = [("message", i18n.render_msg(f.message_id, f.params, lang, strict=True))]
    if "cause" in f.texts:
        out.append(("cause", i18n.render(f.texts["cause"], lang, strict=True)))
    if f.detail is not None:
        for s in f.detail.texts.get("steps", []):
            if s is not None:
                out.append(("step", i18n.render(s, lang, strict=True)))
        if "tolerance" in f.detail.texts:
            out.append(("tolerance", i18n.render(f.detail.texts["tolerance"], lang, strict=True)))
    return out


@pytest.mark.parametrize("code", sorted(CASE_FILES))
def test_every_rule_case_finding_renders_in_every_language(code, case_results):
    problems = []
    for i, case, res in case_results(code):
        for f in res.findings:
            where = f"{code} case {i} ({case.get('name', '')}): {f.rule}"
            if not f.message_id or f.message_id.startswith("@"):
                problems.append(f"{where}: message has no id of its own ({f.message_id}): {f.message!r}")
                continue
            if f.cause and "cause" not in f.texts:
                problems.append(f"{where}: cause has no id: {f.cause!r}")
            if f.detail is not None:
                if f.detail.steps and len(f.detail.texts.get("steps", [])) != len(f.detail.steps):
                    problems.append(f"{where}: steps have no ids: {f.detail.steps}")
                elif any(s is None for s in f.detail.texts.get("steps", [])):
                    problems.append(f"{where}: a step has no id: {f.detail.steps}")
                if f.detail.tolerance and "tolerance" not in f.detail.texts:
                    problems.append(f"{where}: tolerance has no id")
            for lang in LANGS:
                try:
                    rendered = _rendered(f, lang)
                except KeyError as e:
                    problems.append(f"{where} [{lang}]: {e}")
                    continue
                for field, text in rendered:
                    if re.search(r"\{[a-z_]+\}", text):
                        problems.append(f"{where} [{lang}] {field}: a placeholder left: {text!r}")
                    if lang == "zh" and not CJK.search(text) and LETTERS.search(text):
                        problems.append(f"{where} [zh] {field}: no Chinese: {text!r}")
            en = i18n.render_msg(f.message_id, f.params, "en")
            if en != f.message:
                problems.append(f"{where}: the English rendering differs from the message it was made with")
    assert problems == [], "\n".join(problems)


def _seen_ids(findings) -> set[str]:
    seen: set[str] = set()

    def walk(v):
        if isinstance(v, dict):
            if "id" in v:
                seen.add(v["id"])
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    for f in findings:
        seen.add(f.message_id or "")
        walk(f.params)
        walk(f.texts)
        if f.detail is not None:
            walk(f.detail.texts)
    return seen


@pytest.mark.parametrize("code", sorted(registry()))
def test_every_rule_message_is_produced_by_a_rule_case(code, case_results):
    """A message of a rule (an id CODE.*) that none of the rule's cases produces is a finding nobody has seen
    rendered: each has a case."""
    seen = _seen_ids(f for c in CASE_FILES for _, _, res in case_results(c) for f in res.findings
                     if f.rule == code)
    mine = {m for m in po_catalog("en").ids() if m.split(".", 1)[0] == code}
    assert sorted(mine - seen) == []


def test_docs_rules_zh_md_is_current():
    """docs/rules.zh.md is generated: `auditor rules --format markdown --lang zh > docs/rules.zh.md`."""
    from auditor.engine.registry import rules_catalogue_markdown

    path = ROOT / "docs" / "rules.zh.md"
    assert path.read_text(encoding="utf-8") == rules_catalogue_markdown(lang="zh"), \
        "docs/rules.zh.md is stale: run `.venv/bin/auditor rules --format markdown --lang zh > docs/rules.zh.md`"
