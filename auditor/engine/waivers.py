"""Waivers from the configuration: accepted findings stay visible as suppressed, with their reason."""
from __future__ import annotations

from ..i18n import J, T
from ..model import Finding, Suppression
from ..numbers import fold
from .base import fingerprint
from .config import Config, Waiver
from .registry import registry
from .select import selected, severity_of


def waiver_matches(w: Waiver, f: Finding, path: str) -> bool:
    if w.rule not in (f.rule, f.name) and not f.rule.startswith(w.rule.upper()):
        return False
    if w.path and w.path not in path:
        return False
    if w.value is not None and fold(w.value) not in [fold(v) for v in f.values]:
        return False
    if w.evidence is not None and not any(fold(w.evidence) in fold(e) for e in f.evidence + [f.message]):
        return False
    return True


def _rules_of(w: Waiver) -> list[tuple[str, str, str]]:
    """(code, name, category) of the registered rules a waiver can apply to."""
    return [(code, r.name, r.category) for code, r in registry().items()
            if w.rule in (code, r.name) or code.startswith(w.rule.upper())]


def apply_waivers(findings: list[Finding], path: str, config: Config) -> None:
    """Mark waived findings; add a finding (WAI001) for every waiver scoped to this report that matches nothing,
    unless none of the rules it names ran (--select/--ignore) or WAI001 itself is not selected."""
    if not config.waivers:
        return
    report_unused = selected("WAI001", "unused-waiver", "internal", config)
    for w in config.waivers:
        if w.path and w.path not in path:
            continue
        hits = [f for f in findings if f.suppressed is None and waiver_matches(w, f, path)]
        for f in hits:
            f.suppressed = Suppression(kind="waiver", reason=w.reason)
        if hits or not report_unused:
            continue
        rules = _rules_of(w)
        if rules and not any(selected(code, name, cat, config) for code, name, cat in rules):
            continue  # the rules it waives did not run: it could not have matched
        what = J([w.rule] + ([T("WAI001.value", value=w.value)] if w.value else [])
                 + ([T("WAI001.evidence", text=w.evidence)] if w.evidence else []), "comma")
        message = T("WAI001.unused" if rules else "WAI001.names-no-rule", waiver=what, reason=w.reason)
        severity = severity_of("WAI001", "unused-waiver", "internal", "warning", config)
        f = Finding(rule="WAI001", name="unused-waiver", category="internal", severity=severity, message=message,
                    values=[w.value] if w.value else [], evidence=[w.evidence] if w.evidence else [w.rule])
        f.fingerprint = fingerprint(f)
        findings.append(f)
