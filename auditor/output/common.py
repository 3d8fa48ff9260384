"""Helpers the output formats share: the rule catalogue, levels, stages, suppression states."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .. import i18n
from ..model import SEVERITY_RANK, Finding, ReportResult

SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
WHOLE_REPORT = "whole report"


def output_lang(output, options: dict | None = None) -> str:
    """The language of an output's own words: the one asked for (--lang), else the language the reports' messages
    are in (the most common one), else English."""
    asked = (options or {}).get("lang")
    if asked:
        return str(asked)
    langs = Counter(r.lang for r in getattr(output, "reports", []) if getattr(r, "lang", None))
    return langs.most_common(1)[0][0] if langs else i18n.resolve(None)


def tr(lang: str):
    """_(id, **params): the outputs' own words in `lang`."""
    return lambda mid, **params: i18n.t(mid, lang, **params)


SEVERITY_ID = {"error": "out.severity.error", "warning": "out.severity.warning", "info": "out.severity.info"}
SEVERITY_TITLE_ID = {"error": "out.severity-title.error", "warning": "out.severity-title.warning",
                     "info": "out.severity-title.info"}
STATE_ID = {"active": "out.state.active", "waived": "out.state.waived", "baselined": "out.state.baselined"}
CHECK_ITEM_ID = {"cut-off": "checklist.cut-off", "allocation": "checklist.allocation",
                 "data-period": "checklist.data-period", "functional-unit": "checklist.functional-unit",
                 "gases": "checklist.gases", "electricity": "checklist.electricity", "statement": "checklist.statement",
                 "boundary": "checklist.boundary"}
CHECK_STATUS_ID = {"fail": "checklist.status.fail", "warn": "checklist.status.warn", "ok": "checklist.status.ok",
                   "n/a": "checklist.status.na", "not-run": "checklist.status.not-run"}
DIRECTION_ID = {"overstated": "opinion.overstated", "understated": "opinion.understated"}


def severity(sev: str, lang: str) -> str:
    return i18n.t(SEVERITY_ID.get(sev, "out.severity.info"), lang)


def state_word(f: Finding, lang: str) -> str:
    return i18n.t(STATE_ID[state(f)], lang)


def checklist_item(item: str, lang: str) -> str:
    return i18n.t(CHECK_ITEM_ID[item], lang) if item in CHECK_ITEM_ID else item


def checklist_status(status: str, lang: str) -> str:
    return i18n.t(CHECK_STATUS_ID[status], lang) if status in CHECK_STATUS_ID else status


def direction(d: str, lang: str) -> str:
    return i18n.t(DIRECTION_ID[d], lang) if d in DIRECTION_ID else d


def where(f: Finding, lang: str) -> str:
    """'p.4' or 'whole report', in the reader's language."""
    return i18n.t("out.page", lang, page=f.location.page) if f.location else i18n.t("stage.whole", lang)


@dataclass(frozen=True)
class RuleInfo:
    code: str
    name: str
    category: str
    severity: str
    summary: str
    docs: str


def docs_summary(docs: str) -> str:
    """The first paragraph of a rule's docs, on one line."""
    return " ".join(docs.split("\n\n", 1)[0].split())


def rule_catalogue(output=None, lang: str = i18n.DEFAULT_LANG) -> list[RuleInfo]:
    """Every registered rule, plus any code a finding uses that the registry does not know (described from the
    finding itself), in code order; docs in `lang` where the catalogue has them."""
    from ..engine.registry import registry

    rules = {}
    for code, r in registry().items():
        docs = r.docs(lang)
        rules[code] = RuleInfo(code, r.name, r.category, r.severity, docs_summary(docs), docs)
    if output is not None:
        for rep in output.reports:
            for f in rep.findings:
                if f.rule not in rules:
                    rules[f.rule] = RuleInfo(f.rule, f.name, f.category, f.severity, f.name.replace("-", " "),
                                             f.name.replace("-", " "))
    return [rules[k] for k in sorted(rules)]


HEADS_BLOCK = "Fails|Passes|Example|Examples|示例（不通过）|示例（通过）|示例"
HEADS_LINE = "Why|Note|Notes|Settings|原因|说明|设置"


def docs_markdown(docs: str) -> str:
    """A rule's docs as Markdown: prose paragraphs as they are, the indented Fails/Passes examples fenced (the
    Chinese docs' heads too)."""
    out: list[str] = []
    lines = docs.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.match(rf"^({HEADS_BLOCK})[:：]\s*$", line.strip())
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
        wm = re.match(rf"^({HEADS_LINE})([:：])\s*(.*)$", line)
        out.append(f"**{wm.group(1)}{wm.group(2)}** {wm.group(3)}" if wm else line)
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


def stage_title(canonical: str | None, rep: ReportResult | None = None, lang: str = i18n.DEFAULT_LANG) -> str:
    """'raw material acquisition (原材料获取)': the stage's label in the reader's language and the name as printed
    in the report (the label alone when they are the same)."""
    if canonical is None:
        return i18n.t("stage.whole", lang)
    try:
        label = i18n.stage_label(canonical, lang)
    except Exception:
        label = canonical.replace("_", " ")
    printed = None
    for s in (rep.stages or []) if rep is not None else []:
        if s.canonical == canonical:
            printed = tidy(s.name) if s.name else None
            break
    if printed is None and lang != "zh":
        try:
            printed = i18n.stage_label(canonical, "zh")
        except Exception:
            printed = None
    return i18n.t("out.stage-title", lang, label=label, printed=printed) if printed and printed != label else label


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
IDENTITY_FIELDS = (("report_number", "out.id.report-number"), ("company", "out.id.company"),
                   ("product", "out.id.product"), ("model", "out.id.model"), ("issuer", "out.id.issuer"),
                   ("issue_date", "out.id.issued"))
AGREES_ID = {True: "out.agrees", False: "out.differs", None: "out.not-compared"}


def identity_rows(rep: ReportResult, lang: str = i18n.DEFAULT_LANG) -> list[tuple[str, str | None]]:
    """(label, value or None when the report does not print it) for the report's identity, the stated total
    (with its unit) and the total its stage values add up to; [] when the result carries no identity."""
    ident = getattr(rep, "identity", None)
    if ident is None:
        return []
    rows = [(i18n.t(label, lang), getattr(ident, key)) for key, label in IDENTITY_FIELDS]
    unit = f" {ident.total_unit}" if ident.total_unit else ""
    rows.append((i18n.t("out.id.stated-total", lang), f"{ident.total}{unit}" if ident.total else None))
    if ident.total_recomputed is not None:
        rows.append((i18n.t("out.id.recomputed-total", lang),
                     i18n.t("out.id.recomputed-total-value", lang, value=f"{ident.total_recomputed}{unit}",
                            verdict=i18n.t(AGREES_ID[ident.total_agrees], lang))))
    return rows


def identity_properties(rep: ReportResult) -> dict:
    """The identity as flat properties (SARIF, JUnit): only the fields the report prints."""
    ident = getattr(rep, "identity", None)
    if ident is None:
        return {}
    return {k: v for k, v in ident.model_dump().items() if v is not None}


def coverage_phrase(cov, lang: str = i18n.DEFAULT_LANG) -> str:
    """What the audit reached, in words with the right plurals: `5 stages / 7 inventory lines, 1 results row, ...`."""
    return i18n.t("out.coverage", lang, stages=i18n.T("out.n-stages", n=cov.inventory_stages),
                  lines=i18n.T("out.n-lines", n=cov.inventory_lines), rows=i18n.T("out.n-rows", n=cov.results_rows),
                  quotes=i18n.T("out.n-quotes", n=cov.quoted_values),
                  lists=i18n.T("out.n-lists", n=cov.declarations),
                  tables=i18n.T("out.n-factor-tables", n=cov.factor_tables),
                  pages=i18n.T("out.n-pages", n=cov.pages))


def counts_phrase(c: dict[str, int], lang: str) -> str:
    """'8 errors, 6 warnings, 1 info'."""
    return i18n.t("out.counts", lang, errors=i18n.T("out.n-errors", n=c.get("error", 0)),
                  warnings=i18n.T("out.n-warnings", n=c.get("warning", 0)),
                  infos=i18n.T("out.n-infos", n=c.get("info", 0)))


def report_fails(rep, fail_on: str) -> bool:
    """Whether the report fails the gate: a finding at or above it, or at the material gate its verdict."""
    if fail_on == "material":
        from ..engine.opinion import gate_fails

        return gate_fails(rep.opinion.verdict if rep.opinion else None)
    return any(gating(f, fail_on) for f in rep.findings)


VERDICT_ID = {"clean": "verdict.clean", "immaterial": "verdict.immaterial", "material": "verdict.material",
              "not-verifiable": "verdict.not-verifiable", "nonconformity": "verdict.nonconformity"}


def verdict_text(verdict: str, lang: str = i18n.DEFAULT_LANG) -> str:
    """'material misstatement' / '实质性错报'."""
    return i18n.t(VERDICT_ID[verdict], lang) if verdict in VERDICT_ID else verdict
