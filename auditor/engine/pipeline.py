"""One way a finding goes: run the rules -> soften what rests on shaky OCR -> waive what the configuration
accepts -> count. Every severity comes from one resolver (:func:`~auditor.engine.select.severity_of`).
"""
from __future__ import annotations

from ..i18n import T
from ..model import SEVERITY_RANK, Finding, Report
from .base import Context, fingerprint
from .config import Config
from .reference import Library, load_library
from .registry import registry
from .select import selected, severity_of
from .soften import soften_ocr_findings
from .waivers import apply_waivers

INTERNAL = {"rule": "INT001", "name": "rule-crashed", "category": "internal"}


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
            import traceback  # (a rule that fails: rare)

            tb = traceback.extract_tb(e.__traceback__)[-1]
            findings.append(Finding(rule="INT001", name="rule-crashed", category="internal",
                                    severity=severity_of("INT001", "rule-crashed", "internal", "error", config),
                                    message=T("internal.rule-crashed", rule=code, name=rule_cls.name,
                                              exception=type(e).__name__, error=str(e),
                                              where=f"{tb.filename.rsplit('/', 1)[-1]}:{tb.lineno}")))
            continue
        for f in produced:
            f.severity = severity_of(code, rule_cls.name, rule_cls.category, f.severity, config)
            f.fingerprint = fingerprint(f)
            findings.append(f)
    findings.sort(key=lambda f: (-SEVERITY_RANK[f.severity], f.location.page if f.location else 10**6, f.rule))
    return findings


def counts(findings: list[Finding]) -> dict[str, int]:
    """Findings per severity, suppressed ones (waived, baselined) left out: the one count every output shows."""
    c = {"error": 0, "warning": 0, "info": 0}
    for f in findings:
        if f.suppressed is not None:
            continue
        c[f.severity] = c.get(f.severity, 0) + 1
    return c


def findings_for(report: Report, config: Config, library: Library, path: str) -> list[Finding]:
    """The whole pipeline on a parsed report: run -> soften -> waive (the waivers scoped to `path`)."""
    findings = run_rules(report, config, library)
    soften_ocr_findings(report, findings)
    apply_waivers(findings, path, config)
    return findings
