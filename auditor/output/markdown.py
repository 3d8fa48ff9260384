"""Markdown for people (and for $GITHUB_STEP_SUMMARY): counts per report, stage values stated vs recomputed,
findings grouped by stage with stated vs expected, cause and page; waived and baselined ones marked with the
reason."""
from __future__ import annotations

import html
import re

from .. import i18n
from ..model import AuditOutput, Finding, ReportResult
from .common import (
    by_stage,
    checklist_item,
    checklist_status,
    counts_phrase,
    coverage_phrase,
    direction,
    identity_rows,
    output_lang,
    report_fails,
    severity,
    stage_title,
    state_word,
    stated_expected,
    suppressed_count,
    tidy,
    tr,
    verdict_text,
    where,
)

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")


def esc(text: str) -> str:
    """Escape Markdown syntax in free text; newlines become spaces."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def code(text: str) -> str:
    t = " ".join(str(text).split())
    fence = "``" if "`" in t else "`"
    return f"{fence}{t}{fence}" if fence == "`" else f"{fence} {t} {fence}"


GATE_ID = {"error": "out.gate.not-audited", "fails": "out.gate.fails", "passes": "out.gate.passes"}


def gate(rep: ReportResult, fail_on: str) -> str:
    """'error' (not audited), 'fails' or 'passes' the gate."""
    if rep.status != "ok":
        return "error"
    return "fails" if report_fails(rep, fail_on) else "passes"


def verdict(rep: ReportResult, fail_on: str, lang: str = i18n.DEFAULT_LANG) -> str:
    return i18n.t(GATE_ID[gate(rep, fail_on)], lang)


def _pct(share: float, lang: str) -> str:
    return i18n.P(share, 2).render(lang)


def _finding(f: Finding, verbose: bool, lang: str) -> list[str]:
    _ = tr(lang)
    sev = severity(f.severity, lang).upper()
    head = f"- **{sev} {f.rule}** {code(f.name)} · {where(f, lang)}"
    if f.suppressed is not None:
        head = f"- *{state_word(f, lang)}* · ~~{sev}~~ **{f.rule}** {code(f.name)} · {where(f, lang)}"
    lines = [head + "  ", f"  {esc(f.message)}"]
    stated, expected = stated_expected(f)
    if stated or expected:
        parts = []
        if stated:
            parts.append(_("out.stated", value=code(stated)))
        if expected:
            parts.append(_("out.expected", value=code(expected)))
        lines[-1] += "  "
        lines.append("  " + " · ".join(parts))
    if f.cause and f.cause not in f.message:
        lines[-1] += "  "
        lines.append(f"  *{_('out.likely-cause').strip()}* {esc(f.cause)}")
    if f.suppressed is not None:
        lines[-1] += "  "
        lines.append(f"  *{state_word(f, lang)}:* {esc(f.suppressed.reason)}")
    if verbose and f.detail and f.detail.steps:
        steps = "<br>".join(html.escape(s) for s in f.detail.steps)
        lines.append(f"  <details><summary>{_('out.working')}</summary>{steps}</details>")
    return lines


def _opinion(rep: ReportResult, lang: str) -> list[str]:
    """The verdict and its working: what decides, the misstatements against materiality, the checklist."""
    op = rep.opinion
    if op is None:
        return []
    _ = tr(lang)
    out = [f"**{_('out.verdict-head', verdict=verdict_text(op.verdict, lang))}** ({code(op.verdict)}). "
           f"{esc(op.reason)}", ""]
    if op.misstatements:
        out += ["| " + " | ".join(_(h) for h in ("out.col.misstatement", "out.col.stated", "out.col.recomputed",
                                                  "out.col.difference", "out.col.share", "out.col.rules")) + " |",
                "|---|--:|--:|--:|--:|---|"]
        for m in op.misstatements:
            share = _pct(m.share, lang) if m.share is not None else "-"
            out.append(f"| {esc(m.what)} | {esc(m.stated)} | {esc(m.expected)} | {esc(m.difference)} "
                       f"{esc(m.unit or '')} ({direction(m.direction, lang)}) | {share} | {', '.join(m.rules)} |")
        out.append(f"| **{_('out.added-up')}** | | | {esc(op.aggregate or '')} {esc(op.unit or '')} | "
                   f"**{_pct(op.share, lang)}** ({_('out.threshold', value=_pct(op.threshold, lang))}) | |")
        out.append("")
    first = len(op.misstatements)   # the first steps are the misstatements, in the table above
    out += [f"- {esc(s)}" for s in op.steps[first:]]
    if op.checklist:
        out += ["", f"| {_('out.col.checklist')} | {_('out.col.status')} | {_('out.col.rules')} |", "|---|---|---|"]
        out += [f"| {checklist_item(c.item, lang)} | "
                f"{'**' + checklist_status(c.status, lang) + '**' if c.status in ('fail', 'warn') else checklist_status(c.status, lang)} | "
                f"{', '.join(c.rules)} |" for c in op.checklist]
    out.append("")
    return out


def _report(rep: ReportResult, fail_on: str, verbose: bool, lang: str) -> list[str]:
    _ = tr(lang)
    out = [f"## {esc(rep.path)}", ""]
    out += _opinion(rep, lang)
    if rep.status != "ok":
        err = rep.error
        out += [f"**{_('out.not-audited-head')}** ({code(err.code if err else 'error')}): "
                f"{esc(err.message if err else '')}", ""]
        return out
    ident = identity_rows(rep, lang)
    if ident:
        out += [f"| {_('out.col.report')} | |", "|---|---|"]
        out += [f"| {label} | {esc(value) if value else '*' + _('out.missing') + '*'} |" for label, value in ident]
        out.append("")
    sup = suppressed_count(rep)
    out.append(_("out.md.gate-line", gate=f"**{verdict(rep, fail_on, lang)}**", fail_on=code(fail_on),
                 counts=counts_phrase(rep.counts, lang))
               + (_("out.md.suppressed", n=sup) if sup else ""))
    cov = rep.coverage
    if cov is not None:
        out += ["", _("out.checked", coverage=coverage_phrase(cov, lang))]
    out.append("")
    if rep.stages:
        unit = next((s.unit for s in rep.stages if s.unit), None)
        out += ["### " + _("out.stage-values") + (f" ({esc(unit)})" if unit else ""), "",
                f"| {_('out.col.stage')} | {_('out.col.stated')} | {_('out.col.recomputed-inventory')} | |",
                "|---|--:|--:|---|"]
        for s in rep.stages:
            mark = {True: _("out.agrees"), False: f"**{_('out.differs')}**", None: _("out.not-recomputable")}[s.agrees]
            title = stage_title(s.canonical, rep, lang) if s.canonical else tidy(s.name)
            out.append(f"| {esc(title)} | {esc(s.stated or '-')} | {esc(s.recomputed or '-')} | {mark} |")
        out.append("")
    if not rep.findings:
        out += [_("out.no-findings"), ""]
        return out
    out += ["### " + _("out.findings-by-stage"), ""]
    for stage, fs in by_stage(rep):
        out += [f"#### {esc(stage_title(stage, rep, lang))}", ""]
        for f in fs:
            out += _finding(f, verbose, lang)
        out.append("")
    return out


def render(output: AuditOutput, fail_on: str = "error", verbose: bool = True, **options) -> str:
    fail_on = fail_on or "error"
    lang = output_lang(output, options)
    _ = tr(lang)
    n = len(output.reports)
    out = ["# " + _("out.title-n", n=n), ""]
    if output.tool is not None:
        out += [_("out.md.tool", version=output.tool.version, rules=output.tool.rules_version, fail_on=code(fail_on)),
                ""]
    heads = ("out.col.report", "out.col.opinion", "out.col.misstated", "out.col.gate", "out.col.errors",
             "out.col.warnings", "out.col.info", "out.col.suppressed")
    out += ["| " + " | ".join(_(h) for h in heads) + " |", "|---|---|--:|---|--:|--:|--:|--:|"]
    for rep in output.reports:
        c = rep.counts
        op = rep.opinion
        opinion = verdict_text(op.verdict, lang) if op else "-"
        share = _pct(op.share, lang) if op and op.misstatements else "-"
        if rep.status != "ok":
            out.append(f"| {esc(rep.path)} | {opinion} | - | {verdict(rep, fail_on, lang)} | - | - | - | - |")
        else:
            out.append(f"| {esc(rep.path)} | {opinion} | {share} | {verdict(rep, fail_on, lang)} | "
                       f"{c.get('error', 0)} | {c.get('warning', 0)} | {c.get('info', 0)} | {suppressed_count(rep)} |")
    out.append("")
    for rep in output.reports:
        out += _report(rep, fail_on, verbose, lang)
    return "\n".join(out).rstrip() + "\n"
