"""Which rules run and at what severity: selectors (code, code prefix, name, category) and the one severity
resolver every finding goes through; configuration checked against the rules there are.
"""
from __future__ import annotations

from ..model import Severity
from .config import Config
from .registry import registry


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


def severity_of(code: str, name: str, category: str, default: Severity, config: Config) -> Severity:
    """The severity a finding of this rule gets: the configured one (see severity_override), else the default.
    Every finding goes through here, the engine's own (INT001, WAI001) too."""
    return severity_override(code, name, category, config) or default


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
