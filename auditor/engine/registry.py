"""The rules there are: the explicit list in :mod:`auditor.rules`, by code; the catalogue and `explain` text."""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import lru_cache

from ..i18n import DEFAULT_LANG, t
from ..version import __version__
from .base import Rule


class RegistryError(Exception):
    pass


@lru_cache(maxsize=1)
def registry() -> dict[str, type[Rule]]:
    """Every rule of :data:`auditor.rules.RULES`, by code. Duplicate codes or names are an error."""
    from ..rules import RULES

    return build_registry(RULES)


def build_registry(rules: Iterable[type[Rule]]) -> dict[str, type[Rule]]:
    """Rules by code, sorted; a rule without a code, or a code or name used twice, is an error."""
    found: dict[str, type[Rule]] = {}
    names: dict[str, str] = {}
    for obj in rules:
        if not (isinstance(obj, type) and issubclass(obj, Rule)) or not obj.code or not obj.name:
            raise RegistryError(f"{obj!r} is not a rule with a code and a name")
        if obj.code in found and found[obj.code] is not obj:
            raise RegistryError(f"duplicate rule code {obj.code}: {found[obj.code].__name__} and {obj.__name__}")
        if obj.name in names and names[obj.name] != obj.code:
            raise RegistryError(f"duplicate rule name {obj.name}")
        found[obj.code] = obj
        names[obj.name] = obj.code
    return dict(sorted(found.items()))


def rules_version() -> str:
    """Changes whenever a rule's code, severity or docs change (used by batch resume)."""
    h = hashlib.sha256()
    for code, r in registry().items():
        h.update(f"{code}|{r.name}|{r.severity}|{r.docs()}".encode())
    h.update(__version__.encode())
    return h.hexdigest()[:12]


def explain_text(rule: type[Rule], lang: str = DEFAULT_LANG) -> str:
    """What `auditor explain` prints: metadata, the docs, the settings, how to configure it."""
    def _(mid: str, **params) -> str:
        return t(mid, lang, **params)

    extra = (_("rules.checklist", item=_(CHECKLIST_ID[rule.checklist])) if rule.checklist else "") + \
        (_("rules.nonconformity-verdict") if rule.nonconformity else "")
    out = [f"{rule.code} {rule.name}", _("rules.meta", category=rule.category, severity=rule.severity) + extra, "",
           rule.docs(lang), ""]
    props = rule.Settings.model_json_schema().get("properties", {})
    if props:
        out.append(_("rules.settings-head", code=rule.code))
        for k, v in props.items():
            out.append(f"  {k} ({_('rules.default', value=repr(v.get('default')))}): {v.get('description', '')}")
        out.append("")
    out += [_("rules.configure"),
            f"  ignore = [\"{rule.code}\"]            # " + _("rules.configure-ignore", prefix=rule.code[:3],
                                                                category=rule.category),
            f"  severity = {{ {rule.code} = \"{'warning' if rule.severity == 'error' else 'error'}\" }}", ""]
    return "\n".join(out)


CHECKLIST_ID = {"cut-off": "checklist.cut-off", "allocation": "checklist.allocation",
                "data-period": "checklist.data-period", "functional-unit": "checklist.functional-unit",
                "gases": "checklist.gases", "electricity": "checklist.electricity", "statement": "checklist.statement",
                "boundary": "checklist.boundary"}


def rules_catalogue_markdown(codes: list[str] | None = None, lang: str = DEFAULT_LANG) -> str:
    """The rule catalogue as Markdown (docs/rules.md is this output, docs/rules.zh.md in Chinese)."""
    def _(mid: str, **params) -> str:
        return t(mid, lang, **params)

    reg = registry()
    codes = codes or list(reg)
    lines = ["# " + _("rules.md.title"), "", _("rules.md.intro"), "", _("rules.md.checklist-intro"), "",
             "| " + " | ".join(_(h) for h in ("rules.md.col.code", "rules.md.col.name", "rules.md.col.category",
                                               "rules.md.col.severity", "rules.md.col.checklist",
                                               "rules.md.col.checks")) + " |", "|---|---|---|---|---|---|"]
    for c in codes:
        r = reg[c]
        item = (_(CHECKLIST_ID[r.checklist]) if r.checklist else "") + \
            (f" (*{_('rules.md.nonconformity')}*)" if r.nonconformity else "")
        lines.append(f"| [{c}](#{c.lower()}) | {r.name} | {r.category} | {r.severity} | {item} | {r.summary(lang)} |")
    lines.append("")
    for c in codes:
        r = reg[c]
        extra = (_("rules.checklist", item=_(CHECKLIST_ID[r.checklist])) if r.checklist else "") + \
            (_("rules.nonconformity") if r.nonconformity else "")
        lines += [f"## {c}", "", f"**{r.name}** " + _("rules.md.meta", category=r.category, severity=r.severity,
                                                            extra=extra), ""]
        body = r.docs(lang).split("\n\n")
        lines += [" ".join(body[0].split()), ""]
        for para in body[1:]:
            stripped = para.strip()
            if stripped.startswith(EXAMPLE_HEADS):
                for block in _examples(stripped):
                    lines += block
            else:
                lines += [" ".join(stripped.split()), ""]
        props = r.Settings.model_json_schema().get("properties", {})
        if props:
            lines += [_("rules.md.settings"), ""]
            lines += [f"- `{k}` ({_('rules.default', value='`' + repr(v.get('default')) + '`')}): "
                      f"{v.get('description', '')}" for k, v in props.items()]
            lines.append("")
    return "\n".join(lines)


EXAMPLE_HEADS = ("Fails:", "Passes:", "示例（不通过）：", "示例（通过）：")


def _examples(text: str) -> list[list[str]]:
    """'Fails:\\n    example\\nPasses:\\n    example' -> Markdown blocks."""
    blocks: list[list[str]] = []
    head: str | None = None
    body: list[str] = []
    for line in text.splitlines():
        s = line.strip()
        if s in EXAMPLE_HEADS:
            if head:
                blocks.append([f"*{head}*", "", "```", *body, "```", ""])
            head, body = s.rstrip(":："), []
        elif s:
            body.append(s)
    if head:
        blocks.append([f"*{head}*", "", "```", *body, "```", ""])
    return blocks
