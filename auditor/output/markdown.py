"""Markdown for people (and for $GITHUB_STEP_SUMMARY): counts per report, stage values stated vs recomputed,
findings grouped by stage with stated vs expected, cause and page; waived and baselined ones marked with the
reason."""
from __future__ import annotations

import html
import re

from ..model import AuditOutput, Finding, ReportResult
from .common import (
    MISSING,
    VERDICT_TEXT,
    by_stage,
    coverage_phrase,
    identity_rows,
    report_fails,
    stage_title,
    state,
    stated_expected,
    suppressed_count,
    tidy,
)

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")
SEV = {"error": "ERROR", "warning": "WARNING", "info": "INFO"}


def esc(text: str) -> str:
    """Escape Markdown syntax in free text; newlines become spaces."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def code(text: str) -> str:
    t = " ".join(str(text).split())
    fence = "``" if "`" in t else "`"
    return f"{fence}{t}{fence}" if fence == "`" else f"{fence} {t} {fence}"


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def verdict(rep: ReportResult, fail_on: str) -> str:
    if rep.status != "ok":
        return "could not be audited"
    return "fails" if report_fails(rep, fail_on) else "passes"


def _finding(f: Finding, verbose: bool) -> list[str]:
    where = f"p.{f.location.page}" if f.location else "whole report"
    head = f"- **{SEV[f.severity]} {f.rule}** {code(f.name)} · {where}"
    if f.suppressed is not None:
        head = f"- *{state(f)}* · ~~{SEV[f.severity]}~~ **{f.rule}** {code(f.name)} · {where}"
    lines = [head + "  ", f"  {esc(f.message)}"]
    stated, expected = stated_expected(f)
    if stated or expected:
        parts = []
        if stated:
            parts.append(f"stated {code(stated)}")
        if expected:
            parts.append(f"expected {code(expected)}")
        lines[-1] += "  "
        lines.append("  " + " · ".join(parts))
    if f.cause and f.cause not in f.message:
        lines[-1] += "  "
        lines.append(f"  *likely cause:* {esc(f.cause)}")
    if f.suppressed is not None:
        lines[-1] += "  "
        lines.append(f"  *{state(f)}:* {esc(f.suppressed.reason)}")
    if verbose and f.detail and f.detail.steps:
        steps = "<br>".join(html.escape(s) for s in f.detail.steps)
        lines.append(f"  <details><summary>working</summary>{steps}</details>")
    return lines


def _opinion(rep: ReportResult) -> list[str]:
    """The verdict and its working: what decides, the misstatements against materiality, the checklist."""
    op = rep.opinion
    if op is None:
        return []
    out = [f"**Verdict: {VERDICT_TEXT.get(op.verdict, op.verdict)}** ({code(op.verdict)}). {esc(op.reason)}", ""]
    if op.misstatements:
        out += ["| Misstatement | Stated | Recomputed | Difference | Share of the total | Rules |",
                "|---|--:|--:|--:|--:|---|"]
        for m in op.misstatements:
            share = f"{m.share * 100:.2f}%" if m.share is not None else "-"
            out.append(f"| {esc(m.what)} | {esc(m.stated)} | {esc(m.expected)} | {esc(m.difference)} "
                       f"{esc(m.unit or '')} ({m.direction}) | {share} | {', '.join(m.rules)} |")
        out.append(f"| **added up** | | | {esc(op.aggregate or '')} {esc(op.unit or '')} | "
                   f"**{op.share * 100:.2f}%** (threshold {op.threshold * 100:.2f}%) | |")
        out.append("")
    out += [f"- {esc(s)}" for s in op.steps if not s.startswith(tuple(m.what for m in op.misstatements))]
    if op.checklist:
        out += ["", "| Checklist | Status | Rules |", "|---|---|---|"]
        out += [f"| {c.item} | {'**' + c.status + '**' if c.status in ('fail', 'warn') else c.status} | "
                f"{', '.join(c.rules)} |" for c in op.checklist]
    out.append("")
    return out


def _report(rep: ReportResult, fail_on: str, verbose: bool) -> list[str]:
    out = [f"## {esc(rep.path)}", ""]
    out += _opinion(rep)
    if rep.status != "ok":
        err = rep.error
        out += [f"**Could not be audited** ({code(err.code if err else 'error')}): "
                f"{esc(err.message if err else '')}", ""]
        return out
    ident = identity_rows(rep)
    if ident:
        out += ["| Report | |", "|---|---|"]
        out += [f"| {label} | {esc(value) if value else '*' + MISSING + '*'} |" for label, value in ident]
        out.append("")
    c = rep.counts
    out.append(f"**{verdict(rep, fail_on)}** at the {code(fail_on)} gate: {plural(c.get('error', 0), 'error')}, "
               f"{plural(c.get('warning', 0), 'warning')}, {c.get('info', 0)} info"
               + (f", {suppressed_count(rep)} waived or baselined" if suppressed_count(rep) else ""))
    cov = rep.coverage
    if cov is not None:
        out += ["", f"Checked {coverage_phrase(cov, 'inventory lines')}."]
    out.append("")
    if rep.stages:
        unit = next((s.unit for s in rep.stages if s.unit), None)
        out += ["### Stage values" + (f" ({esc(unit)})" if unit else ""), "",
                "| Stage | Stated | Recomputed from the inventory | |", "|---|--:|--:|---|"]
        for s in rep.stages:
            mark = {True: "agrees", False: "**differs**", None: "not recomputable"}[s.agrees]
            out.append(f"| {esc(stage_title(s.canonical, rep) if s.canonical else tidy(s.name))} | {esc(s.stated or '-')} | "
                       f"{esc(s.recomputed or '-')} | {mark} |")
        out.append("")
    if not rep.findings:
        out += ["No findings.", ""]
        return out
    out += ["### Findings by stage", ""]
    for stage, fs in by_stage(rep):
        out += [f"#### {esc(stage_title(stage, rep))}", ""]
        for f in fs:
            out += _finding(f, verbose)
        out.append("")
    return out


def render(output: AuditOutput, fail_on: str = "error", verbose: bool = True, **options) -> str:
    fail_on = fail_on or "error"
    n = len(output.reports)
    out = [f"# Carbon-footprint report audit: {n} report{'s' if n != 1 else ''}", ""]
    if output.tool is not None:
        out += [f"auditor {output.tool.version} (rules {output.tool.rules_version}), gate {code(fail_on)}", ""]
    out += ["| Report | Opinion | Misstated | Gate | Errors | Warnings | Info | Waived / baselined |",
            "|---|---|--:|---|--:|--:|--:|--:|"]
    for rep in output.reports:
        c = rep.counts
        op = rep.opinion
        opinion = VERDICT_TEXT.get(op.verdict, op.verdict) if op else "-"
        share = f"{op.share * 100:.2f}%" if op and op.misstatements else "-"
        if rep.status != "ok":
            out.append(f"| {esc(rep.path)} | {opinion} | - | could not be audited | - | - | - | - |")
        else:
            out.append(f"| {esc(rep.path)} | {opinion} | {share} | {verdict(rep, fail_on)} | {c.get('error', 0)} | "
                       f"{c.get('warning', 0)} | {c.get('info', 0)} | {suppressed_count(rep)} |")
    out.append("")
    for rep in output.reports:
        out += _report(rep, fail_on, verbose)
    return "\n".join(out).rstrip() + "\n"
