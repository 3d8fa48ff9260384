"""Waivers from the configuration: accepted findings stay visible as suppressed, with their reason."""
from __future__ import annotations

from .config import Config, Waiver
from .model import Finding, ReportResult, Suppression
from .numbers import fold


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


def apply_waivers(result: ReportResult, config: Config) -> None:
    """Mark waived findings; add a finding for every waiver (scoped to this report) that matches nothing."""
    if not config.waivers or result.status != "ok":
        return
    from .api import counts

    for w in config.waivers:
        if w.path and w.path not in result.path:
            continue
        hits = [f for f in result.findings if f.suppressed is None and waiver_matches(w, f, result.path)]
        for f in hits:
            f.suppressed = Suppression(kind="waiver", reason=w.reason)
        if not hits:
            what = ", ".join(x for x in (w.rule, w.value and f"value {w.value}", w.evidence and f"evidence '{w.evidence}'")
                             if x)
            result.findings.append(Finding(
                rule="WAI001", name="unused-waiver", category="internal", severity="warning",
                message=f"the waiver ({what}; reason: {w.reason}) matches no finding any more: remove it",
                values=[w.value] if w.value else [], evidence=[w.evidence] if w.evidence else [w.rule]))
    result.counts = counts(result.findings)
