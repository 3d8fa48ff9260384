"""Helpers the output formats share: the rule catalogue, levels, stages, suppression states."""
from __future__ import annotations

import inspect
import re
from dataclasses import dataclass

from ..model import SEVERITY_RANK, Finding, ReportResult

SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
WHOLE_REPORT = "whole report"


@dataclass(frozen=True)
class RuleInfo:
    code: str
    name: str
    category: str
    severity: str
    summary: str
    docs: str


def rule_catalogue(output=None) -> list[RuleInfo]:
    """Every registered rule, plus any code a finding uses that the registry does not know (described from the
    finding itself), in code order."""
    from ..engine.registry import registry

    rules = {code: RuleInfo(code, r.name, r.category, r.severity, r.summary(), inspect.cleandoc(r.docs()))
             for code, r in registry().items()}
    if output is not None:
        for rep in output.reports:
            for f in rep.findings:
                if f.rule not in rules:
                    rules[f.rule] = RuleInfo(f.rule, f.name, f.category, f.severity, f.name.replace("-", " "),
                                             f.name.replace("-", " "))
    return [rules[k] for k in sorted(rules)]


def docs_markdown(docs: str) -> str:
    """A rule's docstring as Markdown: prose paragraphs as they are, the indented Fails/Passes examples fenced."""
    out: list[str] = []
    lines = docs.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r"^(Fails|Passes|Example|Examples):\s*$", line.strip())
        if m and not line.startswith(" "):
            block: list[str] = []
            i += 1
            while i < len(lines) and (lines[i].startswith(" ") or not lines[i].strip()):
                if lines[i].strip() or block:
                    block.append(lines[i][4:] if lines[i].startswith("    ") else lines[i].strip())
                i += 1
            while block and not block[-1].strip():
                block.pop()
            out.append(f"**{m.group(1)}:**")
            out.append("")
            out.append("```")
            out.extend(block)
            out.append("```")
            out.append("")
            continue
        wm = re.match(r"^(Why|Note|Notes|Settings):\s*(.*)$", line)
        out.append(f"**{wm.group(1)}:** {wm.group(2)}" if wm else line)
        i += 1
    return "\n".join(out).strip() + "\n"


def state(f: Finding) -> str:
    """active, waived or baselined."""
    if f.suppressed is None:
        return "active"
    return "waived" if f.suppressed.kind == "waiver" else "baselined"


def gating(f: Finding, fail_on: str) -> bool:
    """Whether the finding fails the gate at fail_on (suppressed findings never do)."""
    if f.suppressed is not None or fail_on in ("never", "material"):   # material: the verdict decides
        return False
    return SEVERITY_RANK[f.severity] >= SEVERITY_RANK[fail_on]


def page_of(f: Finding) -> int | None:
    return f.location.page if f.location else None


_CJK_GAP = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u9fff\uff00-\uffef])")


def tidy(text: str) -> str:
    """Collapse whitespace; drop the spaces a PDF's layout leaves between CJK characters ('生 产' -> '生产')."""
    return _CJK_GAP.sub("", " ".join(text.split()))


def stage_title(canonical: str | None, rep: ReportResult | None = None) -> str:
    """'raw material acquisition (原材料获取)': the English label and the name as printed in the report."""
    if canonical is None:
        return WHOLE_REPORT
    try:
        from ..vocab import stage_label

        label = stage_label(canonical, "en")
    except Exception:
        label = canonical.replace("_", " ")
    printed = None
    for s in (rep.stages or []) if rep is not None else []:
        if s.canonical == canonical:
            printed = tidy(s.name) if s.name else None
            break
    if printed is None:
        try:
            from ..vocab import stage_label

            printed = stage_label(canonical, "zh")
        except Exception:
            printed = None
    return f"{label} ({printed})" if printed and printed != label else label


def stage_order(rep: ReportResult) -> list[str | None]:
    """The stages findings concern, in report order (then vocabulary order), the whole report last."""
    try:
        from ..vocab import vocab

        vocab_order = vocab().stage_order
    except Exception:
        vocab_order = []
    present = {f.stage for f in rep.findings}
    order: list[str | None] = []
    for s in rep.stages or []:
        if s.canonical in present and s.canonical not in order:
            order.append(s.canonical)
    for c in vocab_order:
        if c in present and c not in order:
            order.append(c)
    for c in sorted(x for x in present if x is not None and x not in order):
        order.append(c)
    if None in present:
        order.append(None)
    return order


def by_stage(rep: ReportResult) -> list[tuple[str | None, list[Finding]]]:
    """Findings grouped by stage; within a stage active ones first, then by severity and page."""
    groups = []
    for st in stage_order(rep):
        fs = [f for f in rep.findings if f.stage == st]
        fs.sort(key=lambda f: (f.suppressed is not None, -SEVERITY_RANK[f.severity], page_of(f) or 10**6, f.rule))
        groups.append((st, fs))
    return groups


def stated_expected(f: Finding) -> tuple[str | None, str | None]:
    """(stated, expected): the printed value a finding disputes and what the auditor expected instead."""
    stated = f.detail.stated if f.detail and f.detail.stated else None
    expected = f.expected or (f.detail.computed if f.detail and f.detail.computed else None)
    return stated, expected


def suppressed_count(rep: ReportResult) -> int:
    return sum(1 for f in rep.findings if f.suppressed is not None)


MISSING = "missing"
IDENTITY_FIELDS = (("report_number", "Report no."), ("company", "Company"), ("product", "Product"),
                   ("model", "Model"), ("issuer", "Issuer"), ("issue_date", "Issued"))


def identity_rows(rep: ReportResult) -> list[tuple[str, str | None]]:
    """(label, value or None when the report does not print it) for the report's identity, the stated total
    (with its unit) and the total its stage values add up to; [] when the result carries no identity."""
    ident = getattr(rep, "identity", None)
    if ident is None:
        return []
    rows = [(label, getattr(ident, key)) for key, label in IDENTITY_FIELDS]
    unit = f" {ident.total_unit}" if ident.total_unit else ""
    rows.append(("Stated total", f"{ident.total}{unit}" if ident.total else None))
    if ident.total_recomputed is not None:
        verdict = {True: "agrees", False: "differs", None: "not compared"}[ident.total_agrees]
        rows.append(("Recomputed total", f"{ident.total_recomputed}{unit} (sum of the stage values; {verdict})"))
    return rows


def identity_properties(rep: ReportResult) -> dict:
    """The identity as flat properties (SARIF, JUnit): only the fields the report prints."""
    ident = getattr(rep, "identity", None)
    if ident is None:
        return {}
    return {k: v for k, v in ident.model_dump().items() if v is not None}


def count(n: int, one: str, many: str | None = None) -> str:
    """`1 factor table`, `2 factor tables`, `0 pages`."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def coverage_phrase(cov, lines_word: str = "lines") -> str:
    """What the audit reached, in words with the right plurals: `5 stages / 7 lines, 1 results row, ...`."""
    return (f"{count(cov.inventory_stages, 'stage')} / {count(cov.inventory_lines, lines_word[:-1], lines_word)}, "
            f"{count(cov.results_rows, 'results row')}, {count(cov.quoted_values, 'quoted value')}, "
            f"{count(cov.declarations, 'boundary list')} and {count(cov.factor_tables, 'factor table')} on "
            f"{count(cov.pages, 'page')}")


def report_fails(rep, fail_on: str) -> bool:
    """Whether the report fails the gate: a finding at or above it, or at the material gate its verdict."""
    if fail_on == "material":
        from ..engine.opinion import gate_fails

        return gate_fails(rep.opinion.verdict if rep.opinion else None)
    return any(gating(f, fail_on) for f in rep.findings)


VERDICT_TEXT = {"clean": "clean", "immaterial": "discrepancies below materiality",
                "material": "material misstatement", "not-verifiable": "not verifiable",
                "nonconformity": "nonconformity with the standard"}


def opinion_lines(op) -> list[str]:
    """The verdict and its working as plain lines (text, markdown and HTML build on them)."""
    if op is None:
        return []
    out = [f"verdict: {VERDICT_TEXT.get(op.verdict, op.verdict)} ({op.verdict})", f"  {op.reason}"]
    out += [f"  - {s}" for s in op.steps]
    bad = [c for c in op.checklist if c.status in ("fail", "warn")]
    if op.checklist:
        out.append("  checklist: " + ", ".join(f"{c.item} {c.status}" for c in op.checklist))
    for c in bad:
        for line in c.findings[:3]:
            out.append(f"    {c.item}: {line}")
    return out
