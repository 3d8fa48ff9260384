"""The engine: discovers rules, runs them on a report, applies configuration.

Rules live in the top-level `rules` package, one module per rule family. Each is
a subclass of :class:`Rule` with its metadata on the class and its docs in the
docstring. The engine, not the rule, applies select/ignore, severity overrides
and waivers; a rule that crashes becomes an internal-error finding and the
other rules still run.
"""
from __future__ import annotations

import hashlib
import importlib
import inspect
import pkgutil
import traceback
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import ClassVar, Iterable

from pydantic import BaseModel

from .config import Config
from .model import SEVERITY_RANK, Category, Detail, Finding, Location, Quantity, Report, Severity
from .numbers import Interval
from .reference import Library, load_library


class NoSettings(BaseModel):
    pass


class Rule:
    """Base class. Subclasses set code, name, category, severity and implement check()."""

    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    category: ClassVar[Category] = "arithmetic"
    severity: ClassVar[Severity] = "error"
    Settings: ClassVar[type[BaseModel]] = NoSettings

    def __init__(self, settings: BaseModel | None = None):
        self.settings = settings or self.Settings()

    def check(self, report: Report, ctx: "Context") -> Iterable[Finding]:  # pragma: no cover - interface
        raise NotImplementedError

    def finding(self, message: str, *, values: list[str] | None = None, expected: str | None = None,
                evidence: list[str] | None = None, location: Location | None = None, stage: str | None = None,
                cause: str | None = None, detail: Detail | None = None, severity: Severity | None = None,
                category: Category | None = None) -> Finding:
        return Finding(rule=self.code, name=self.name, category=category or self.category,
                       severity=severity or self.severity, message=message, values=values or [], expected=expected,
                       evidence=evidence or [], location=location, stage=stage, cause=cause, detail=detail)

    # ---- documentation, from the docstring
    @classmethod
    def docs(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def summary(cls) -> str:
        return " ".join(cls.docs().split("\n\n", 1)[0].split())

    @classmethod
    def describe(cls) -> dict:
        return {"code": cls.code, "name": cls.name, "category": cls.category, "severity": cls.severity,
                "summary": cls.summary(), "docs": cls.docs(),
                "settings": cls.Settings.model_json_schema().get("properties", {})}


class RegistryError(Exception):
    pass


@lru_cache(maxsize=1)
def registry() -> dict[str, type[Rule]]:
    """Every rule in the `rules` package, by code. Duplicate codes or names are an error."""
    import rules as pkg

    found: dict[str, type[Rule]] = {}
    names: dict[str, str] = {}
    for mod in pkgutil.iter_modules(pkg.__path__, pkg.__name__ + "."):
        module = importlib.import_module(mod.name)
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, Rule) and obj is not Rule and obj.code and obj.__module__ == module.__name__:
                if obj.code in found and found[obj.code] is not obj:
                    raise RegistryError(f"duplicate rule code {obj.code}: {found[obj.code].__name__} and {obj.__name__}")
                if obj.name in names and names[obj.name] != obj.code:
                    raise RegistryError(f"duplicate rule name {obj.name}")
                found[obj.code] = obj
                names[obj.name] = obj.code
    return dict(sorted(found.items()))


def rules_version() -> str:
    """Changes whenever a rule's code, severity or docs change (used by batch resume)."""
    from . import __version__

    h = hashlib.sha256()
    for code, r in registry().items():
        h.update(f"{code}|{r.name}|{r.severity}|{r.docs()}".encode())
    h.update(__version__.encode())
    return h.hexdigest()[:12]


@dataclass
class Context:
    """What a rule may use besides the report: configuration, the reference library, interval helpers."""

    config: Config = field(default_factory=Config)
    library: Library = field(default_factory=load_library)

    def interval(self, q: Quantity) -> Interval:
        t = self.config.tolerance
        return Interval.printed(q.value, q.decimals, t.rounding, Decimal(str(t.abs_slack)), Decimal(str(t.rel_slack)))

    def agree(self, a: Quantity, b: Quantity) -> bool:
        """Two printed numbers can stand for the same exact value. Printed to the same decimals, that means equal:
        their intervals only touch at a tie point, which rounds to one of them, not both (81.9386 and 81.9387
        cannot be the same value). Printed to different decimals, or with slack configured, their intervals
        overlap."""
        t = self.config.tolerance
        if a.decimals == b.decimals and not t.abs_slack and not t.rel_slack:
            return a.value == b.value
        return self.interval(a).overlaps(self.interval(b))

    def fmt(self, value: Decimal, decimals: int) -> str:
        """A computed value as the report would have printed it, under the configured rounding mode."""
        from .numbers import fmt

        mode = {"half-up": ROUND_HALF_UP, "half-even": ROUND_HALF_EVEN, "truncate": ROUND_DOWN}[
            self.config.tolerance.rounding]
        return fmt(value, decimals, mode)

    def tolerance_text(self) -> str:
        """The tolerance in words, for a finding's detail."""
        t = self.config.tolerance
        how = {"half-up": "rounded half up", "half-even": "rounded half to even",
               "truncate": "truncated"}[t.rounding]
        s = f"each printed value stands for the interval of exact values that, {how}, print as it"
        if t.abs_slack or t.rel_slack:
            s += f"; plus slack {t.abs_slack} absolute and {t.rel_slack} relative"
        return s

    def rule_settings(self, rule: type[Rule]) -> BaseModel:
        raw = self.config.rules.get(rule.code) or self.config.rules.get(rule.name) or {}
        return rule.Settings.model_validate(raw)


def _hits(pattern: str, code: str, name: str, category: str) -> bool:
    """A selector names a rule by code, code prefix (ARI, ARI00), kebab-case name or category."""
    p = pattern.strip()
    return bool(p) and (code.startswith(p.upper()) or p.lower() == name or p.lower() == category)


def selected(code: str, name: str, category: str, config: Config) -> bool:
    def hit(patterns: list[str]) -> bool:
        return any(_hits(p, code, name, category) for p in patterns)

    if config.select and not hit(config.select):
        return False
    return not hit(config.ignore)


def severity_override(code: str, name: str, category: str, config: Config) -> Severity | None:
    """The configured severity for a rule: by code or name first, then the longest matching code prefix, then
    the category."""
    sev = config.severity
    if not sev:
        return None
    for key in (code, name):
        if key in sev:
            return sev[key]
    prefixes = sorted((k for k in sev if k and code.startswith(k.upper()) and k.upper() != code), key=len,
                      reverse=True)
    if prefixes:
        return sev[prefixes[0]]
    return sev.get(category)


def names_a_rule(pattern: str) -> bool:
    """Whether a selector (code, code prefix, name or category) matches at least one rule."""
    return any(_hits(pattern, c, r.name, r.category) for c, r in registry().items())


def near_names(text: str, limit: int = 2, cutoff: int = 60, categories: bool = True) -> list[str]:
    """Rule codes, names (and categories) closest to a mistyped one, for a "did you mean" hint."""
    from rapidfuzz import process

    reg = registry()
    names = list(reg) + [r.name for r in reg.values()]
    if categories:
        names += sorted({r.category for r in reg.values()})
    return [m for m, score, _ in process.extract(text, names, limit=limit) if score >= cutoff]


def unknown_selectors(config: Config) -> list[str]:
    """Selectors in select / ignore / severity / rules that name no rule: a typo there would silently do nothing."""
    reg = registry()
    out = []
    for where, patterns in (("select", config.select), ("ignore", config.ignore),
                            ("severity", list(config.severity))):
        for p in patterns:
            if not names_a_rule(p):
                out.append(f"{where}: {p!r}")
    for p in config.rules:   # settings belong to one rule: its code or name exactly
        if p.upper() not in reg and not any(r.name == p for r in reg.values()):
            out.append(f"rules: {p!r}")
    return out


def fingerprint(f: Finding) -> str:
    """Content fingerprint: rule, values, evidence, stage; not positions (a PDF has no stable line numbers)."""
    key = "|".join([f.rule, f.stage or "", ",".join(sorted(f.values)), ",".join(sorted(f.evidence))])
    return hashlib.sha256(key.encode()).hexdigest()[:16]


INTERNAL = dict(rule="INT001", name="rule-crashed", category="internal")


def run_rules(report: Report, config: Config | None = None, library: Library | None = None) -> list[Finding]:
    config = config or Config()
    ctx = Context(config=config, library=library or load_library(config.factors))
    findings: list[Finding] = []
    for code, rule_cls in registry().items():
        if not selected(code, rule_cls.name, rule_cls.category, config):
            continue
        try:
            rule = rule_cls(ctx.rule_settings(rule_cls))
            produced = list(rule.check(report, ctx))
        except Exception as e:  # a crashing rule must not take the audit down
            tb = traceback.extract_tb(e.__traceback__)[-1]
            findings.append(Finding(**INTERNAL, severity="error",
                                    message=f"rule {code} ({rule_cls.name}) crashed: {type(e).__name__}: {e} "
                                            f"at {tb.filename.rsplit('/', 1)[-1]}:{tb.lineno}; its checks were not done"))
            continue
        override = severity_override(code, rule_cls.name, rule_cls.category, config)
        for f in produced:
            if override:
                f.severity = override
            f.fingerprint = fingerprint(f)
            findings.append(f)
    findings.sort(key=lambda f: (-SEVERITY_RANK[f.severity], f.location.page if f.location else 10**6, f.rule))
    return findings


def explain_text(rule: type[Rule]) -> str:
    """What `auditor explain` prints: metadata, the docs, the settings, how to configure it."""
    out = [f"{rule.code} {rule.name}", f"category: {rule.category}; default severity: {rule.severity}", "",
           rule.docs(), ""]
    props = rule.Settings.model_json_schema().get("properties", {})
    if props:
        out.append("settings ([tool.auditor.rules." + rule.code + "]):")
        for k, v in props.items():
            out.append(f"  {k} (default {v.get('default')!r}): {v.get('description', '')}")
        out.append("")
    out += ["configure:",
            f"  ignore = [\"{rule.code}\"]            # or the name, the prefix {rule.code[:3]}, the category "
            f"{rule.category}",
            f"  severity = {{ {rule.code} = \"{'warning' if rule.severity == 'error' else 'error'}\" }}", ""]
    return "\n".join(out)


def rules_catalogue_markdown(codes: list[str] | None = None) -> str:
    """The rule catalogue as Markdown (docs/rules.md is this output)."""
    reg = registry()
    codes = codes or list(reg)
    lines = ["# Rule catalogue", "",
             "Generated by `auditor rules --format markdown`; do not edit by hand. Select or ignore rules by code, "
             "code prefix, name or category (`--select`, `--ignore`, or `select` / `ignore` in `[tool.auditor]`); "
             "override severities with `severity = { CODE = \"warning\" }` (code, name, prefix or category).", "",
             "| code | name | category | severity | checks |", "|---|---|---|---|---|"]
    for c in codes:
        r = reg[c]
        lines.append(f"| [{c}](#{c.lower()}) | {r.name} | {r.category} | {r.severity} | {r.summary()} |")
    lines.append("")
    for c in codes:
        r = reg[c]
        lines += [f"## {c}", "", f"**{r.name}** ({r.category}, default severity {r.severity})", ""]
        body = r.docs().split("\n\n")
        lines += [" ".join(body[0].split()), ""]
        for para in body[1:]:
            stripped = para.strip()
            if stripped.startswith(("Fails:", "Passes:")):
                for block in _examples(stripped):
                    lines += block
            else:
                lines += [" ".join(stripped.split()), ""]
        props = r.Settings.model_json_schema().get("properties", {})
        if props:
            lines += ["Settings:", ""]
            lines += [f"- `{k}` (default `{v.get('default')!r}`): {v.get('description', '')}" for k, v in props.items()]
            lines.append("")
    return "\n".join(lines)


def _examples(text: str) -> list[list[str]]:
    """'Fails:\\n    example\\nPasses:\\n    example' -> Markdown blocks."""
    blocks, head, body = [], None, []
    for line in text.splitlines():
        s = line.strip()
        if s in ("Fails:", "Passes:"):
            if head:
                blocks.append([f"*{head}*", "", "```", *body, "```", ""])
            head, body = s.rstrip(":"), []
        elif s:
            body.append(s)
    if head:
        blocks.append([f"*{head}*", "", "```", *body, "```", ""])
    return blocks
