"""`auditor extract --format markdown`: the structured report the parser read, for people.

Metadata, the inventory (stages and lines), the results table, the values quoted in the text, the boundary
claims and stage lists, factor tables and factors named in the text, what was read (coverage) and what could
not be (notes). Every value keeps its page.
"""
from __future__ import annotations

import re

from ..model import Quantity, Report, StageRef, Text

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")


def esc(text) -> str:
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split())) if text not in (None, "") else ""


def q(x: Quantity | None) -> str:
    if x is None:
        return ""
    unit = f" {x.unit}" if x.unit and x.unit != "%" else ""
    conf = f" (OCR {x.confidence:.0f})" if x.confidence is not None else ""
    return esc(x.text + unit) + conf


def page(loc) -> str:
    return f"p.{loc.page}" if loc is not None else ""


def stage(s: StageRef | None) -> str:
    if s is None:
        return "(total)"
    return f"{esc(s.name)} → {s.canonical or '?'}"


def table(head: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out + [""]


def _text(t: Text | None) -> str:
    return esc(t.text) if t is not None else ""


def render_report(report: Report) -> str:
    out: list[str] = [f"# {esc(report.path or 'report')}", ""]
    out.append(f"Language {report.language}; producer {esc(report.producer) or 'unknown'}.")
    out.append("")
    m = report.metadata
    out += ["## Metadata", ""]
    rows = [[k, _text(getattr(m, k)), page(getattr(m, k).location) if getattr(m, k) else ""]
            for k in ("product", "model", "company", "report_number", "issuer", "issue_date", "data_period",
                      "gwp_source", "gases_text") if getattr(m, k) is not None]
    rows += [["standard", esc(s.text), page(s.location)] for s in m.standard]
    rows += [["functional unit", esc(f.text), page(f.location)] for f in m.functional_unit]
    if m.annual_output is not None:
        rows.append(["annual output", q(m.annual_output), page(m.annual_output.location)])
    if m.gwp_report:
        rows.append(["GWP", f"{m.gwp_report} ({m.gwp_year or 'year not printed'})", ""])
    if m.gases:
        rows.append(["gases", ", ".join(m.gases), ""])
    out += table(["field", "as printed", "page"], rows) if rows else ["(none)", ""]

    out += ["## Inventory", ""]
    inv = report.inventory
    if inv is None:
        out += ["No inventory table was found.", ""]
    else:
        out.append(f"{page(inv.location)}; emissions unit {inv.emissions_unit or 'not printed'}.")
        out.append("")
        rows = []
        for st in inv.stages:
            for i, ln in enumerate(st.lines):
                rows.append([stage(st.stage) if i == 0 else "", esc(ln.item), q(ln.activity), q(ln.factor),
                             q(ln.emissions), q(st.emissions) + (f" ({st.emissions_from})" if st.emissions else "")
                             if i == 0 else "", page(ln.location)])
            if not st.lines:
                rows.append([stage(st.stage), "", "", "", "", q(st.emissions), ""])
        out += table(["stage", "item", "activity", "factor", "line emissions", "stage emissions", "page"], rows)
        if inv.total is not None:
            out += [f"Total: {q(inv.total)} ({page(inv.total.location)})", ""]

    out += ["## Results", ""]
    res = report.results
    if res is None:
        out += ["No results table was found.", ""]
    else:
        rows = [[stage(r.stage), q(r.value), q(r.percent)] for r in res.rows]
        if res.total is not None:
            rows.append(["**total**", q(res.total), q(res.total_percent)])
        out += [f"{page(res.location)}; unit {res.unit or 'not printed'}.", ""]
        out += table(["stage", "value", "percent"], rows)

    out += ["## Values quoted in the text", ""]
    rows = [[qv.place, stage(qv.stage), q(qv.value), q(qv.percent), page(qv.value.location), esc(qv.text)]
            for qv in report.quotes]
    out += table(["place", "stage", "value", "percent", "page", "text"], rows) if rows else ["(none)", ""]

    out += ["## System boundary", ""]
    b = report.boundary
    for claim in b.claims:
        out.append(f"- claim **{claim.kind}**: {esc(claim.text)} ({page(claim.location)})")
    for d in b.declarations:
        names = ", ".join(s.canonical or f"?{s.name}" for s in d.stages)
        out.append(f"- stages listed in {d.place} ({page(d.location)}): {names}; “{esc(d.text)}”")
    if b.cutoff is not None:
        out.append(f"- cut-off: {esc(b.cutoff.text)} ({page(b.cutoff.location)})")
    if not (b.claims or b.declarations):
        out.append("(none)")
    out.append("")
    if b.table:
        out += table(["stage", "included", "excluded"],
                     [[stage(r.stage), esc(r.included), esc(r.excluded)] for r in b.table])

    out += ["## Factors", ""]
    for ft in report.factor_tables:
        out.append(f"Factor table ({page(ft.location)}), unit {ft.unit or esc(ft.unit_text) or 'not printed'}:")
        out.append("")
        out += table(["label"] + [esc(c) for c in ft.columns], [[esc(r.label)] + [q(v) for v in r.values]
                                                                 for r in ft.rows])
    rows = [[esc(f.subject), q(f.value), str(f.vintage or ""), f.series or "", str(f.announced or ""),
             page(f.location), esc(f.text)] for f in report.factor_mentions]
    if rows:
        out += table(["subject", "value", "vintage", "called", "announced", "page", "text"], rows)
    elif not report.factor_tables:
        out += ["(none)", ""]

    out += ["## Tables and the relations their rows were checked against", ""]
    if not report.tables:
        out += ["(no numeric table)", ""]
    for t in report.tables:
        name = t.caption.text if t.caption else (f"under '{t.section}'" if t.section else "untitled")
        where = f"{page(t.location)}; kind {t.kind}; stage {stage(t.stage) if t.stage else '(from its stage column)'}"
        read = f"read into the {t.read_as}" if t.read_as else "rows not read into the report"
        out += [f"- **{esc(name)}** ({where}; {read}): {t.numbers} numbers, {t.numbers_checked} in a checked "
                f"relation"]
        if not t.relations:
            out.append("  - no relation recognised: **not verified**")
        for r in t.relations:
            by = f", checked by {r.covered_by}" if r.covered_by else ""
            conv = f", conversion x{r.scale}" if r.scale != "1" else ""
            out.append(f"  - {esc(r.relation)}: {r.agree} of {r.rows} rows agree{conv}{by}")
    out.append("")

    c = report.coverage
    out += ["## Coverage", ""]
    out += table(["what", "count"], [
        ["pages (with text / OCR)", f"{c.pages} ({c.text_pages} / {len(c.ocr_pages)})"],
        ["tables (by kind)", f"{c.tables} (" + ", ".join(f"{k} {v}" for k, v in sorted(c.tables_used.items())) + ")"],
        ["inventory stages / lines", f"{c.inventory_stages} / {c.inventory_lines}"],
        ["results rows", str(c.results_rows)],
        ["quoted values", str(c.quoted_values)],
        ["stage lists", str(c.declarations)],
        ["numbers in tables (read; in a checked relation)",
         f"{c.table_numbers} ({c.table_numbers_used}; {c.numbers_checked})"],
        ["numbers in the text; with an emissions unit (read)",
         f"{c.prose_numbers}; {c.prose_values} ({c.prose_values_used})"],
        ["OCR numbers below the confidence threshold", str(c.ocr_low_confidence)],
    ])
    out += ["## Notes", ""]
    if not report.notes:
        out += ["(none)", ""]
    for n in report.notes:
        out.append(f"- **{n.severity}** `{n.code}` {page(n.location)}: {esc(n.message)}")
    return "\n".join(out).rstrip() + "\n"
