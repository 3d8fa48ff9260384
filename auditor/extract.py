"""Document -> Report: the structured report every rule works on."""
from __future__ import annotations

import regex

from . import prose
from .model import Coverage, ExtractionNote, Report, StageDeclaration, Text
from .pdf import CJK, Document, Table
from .prose import Sections, parse_date
from .tables import (
    classify, read_boundary_table, read_factor_table, read_header, read_inventory, read_key_values,
    read_product_box, read_results,
)


def merge_continued(tables: list[Table]) -> list[Table]:
    """A table that goes on over a page break: same column count, the next one starting at the top of the
    next page and either repeating the header or having none."""
    out: list[Table] = []
    for t in tables:
        prev = out[-1] if out else None
        if prev is not None and t.page == prev.page + 1 and t.ncols == prev.ncols and t.bbox[1] < 120:
            h_prev = read_header(prev)
            h_new = read_header(t)
            if classify(t, h_new) == "unknown" or [x for x in h_new.texts] == h_prev.texts:
                body = t.rows[h_new.rows:] if h_new.texts == h_prev.texts else t.rows
                out[-1] = Table(page=prev.page, bbox=prev.bbox, rows=prev.rows + body, ruled=prev.ruled)
                continue
        out.append(t)
    return out


def extract(doc: Document) -> Report:
    report = Report(path=doc.path, producer=doc.producer)
    flow = doc.prose
    sections = Sections.find(flow)
    n_cjk = len(CJK.findall(flow.text[:20000]))
    n_latin = len(regex.findall(r"[A-Za-z]", flow.text[:20000]))
    report.language = "zh" if n_cjk >= n_latin / 4 else "en"
    cov = Coverage(pages=len(doc.pages), text_pages=sum(1 for p in doc.pages if p.chars),
                   ocr_pages=[p.number for p in doc.pages if p.ocr])
    tables = merge_continued([t for p in doc.pages for t in p.tables])
    cov.tables = len(tables)
    meta = report.metadata
    for table in tables:
        header = read_header(table)
        kind = classify(table, header)
        cov.tables_used[kind] = cov.tables_used.get(kind, 0) + 1
        if kind == "inventory":
            inv, notes = read_inventory(table, header)
            for n in notes:
                report.notes.append(ExtractionNote(code="inventory-row", message=n, severity="warning",
                                                   location=table.location))
            if report.inventory is None:
                report.inventory = inv
            else:  # a second inventory table (e.g. per stage): merge
                report.inventory.stages.extend(inv.stages)
                report.inventory.total = report.inventory.total or inv.total
        elif kind == "results":
            res = read_results(table, header)
            if report.results is None or len(res.rows) > len(report.results.rows):
                report.results = res
        elif kind == "boundary":
            report.boundary.table.extend(read_boundary_table(table, header))
        elif kind == "factor_table":
            report.factor_tables.append(read_factor_table(table, header))
        elif kind == "product":
            fields, quotes = read_product_box(table, header)
            report.quotes.extend(quotes)
            for k, v in fields.items():
                if k == "functional_unit":
                    meta.functional_unit.append(v)
                elif getattr(meta, k) is None:
                    setattr(meta, k, v)
        elif kind == "key_value":
            for k, v in read_key_values(table).items():
                if k == "standard":
                    meta.standard.append(v)
                elif getattr(meta, k) is None:
                    setattr(meta, k, v)
    # prose
    for k, v in prose.cover_fields(flow).items():
        if k == "issue_date":
            meta.issue_date = v
            meta.issue_date_value = parse_date(v.text)
        elif getattr(meta, k) is None or k in ("product", "model", "report_number"):
            setattr(meta, k, v)
    for s in prose.standards(flow):
        meta.standard.append(s)
    meta.functional_unit.extend(prose.functional_units(flow))
    dp = prose.data_period(flow)
    if dp:
        meta.data_period, meta.data_period_start, meta.data_period_end = dp
    g = prose.gwp_source(flow)
    if g:
        meta.gwp_source, meta.gwp_report, meta.gwp_year = g
    gs = prose.gases(flow)
    if gs:
        meta.gases, meta.gases_text = gs
    meta.annual_output = prose.annual_output(flow)
    report.quotes.extend(prose.quoted_values(flow, sections))
    report.boundary.claims = prose.claims(flow)
    report.boundary.declarations = prose.declarations(flow, sections)
    report.boundary.cutoff = prose.cutoff(flow)
    if report.boundary.table:
        report.boundary.declarations.append(StageDeclaration(
            place="boundary_table", text="; ".join(r.stage.name for r in report.boundary.table),
            stages=[r.stage for r in report.boundary.table if r.stage.canonical],
            location=report.boundary.table[0].stage.location))
    report.factor_mentions = prose.factor_mentions(flow)
    # coverage
    if report.inventory:
        cov.inventory_stages = len(report.inventory.stages)
        cov.inventory_lines = sum(len(s.lines) for s in report.inventory.stages)
    cov.results_rows = len(report.results.rows) if report.results else 0
    cov.quoted_values = len(report.quotes)
    cov.declarations = len(report.boundary.declarations)
    cov.factor_tables = len(report.factor_tables)
    report.coverage = cov
    _notes(report, doc)
    return report


def _notes(report: Report, doc: Document) -> None:
    def note(code, message, severity="info", location=None):
        report.notes.append(ExtractionNote(code=code, message=message, severity=severity, location=location))

    for p in doc.pages:
        if p.chars == 0 and not p.ocr:
            if p.images:
                note("no-text-layer", f"page {p.number} has no text layer, only images (scanned?); it was not read",
                     "warning", None)
            else:
                note("blank-page", f"page {p.number} is blank (no text, no images)")
    if report.inventory is None:
        note("no-inventory", "no inventory table (stage, activity data, emission factor) was found")
    elif not any(ln.activity and ln.factor for s in report.inventory.stages for ln in s.lines):
        note("inventory-unreadable", "an inventory table was found but no line has both activity data and a factor",
             "warning", report.inventory.location)
    if report.results is None:
        note("no-results", "no results table (stage, emissions, percentage) was found")
    if not report.quotes:
        note("no-quotes", "no stage or total values were found quoted in the text")
    if not report.boundary.claims and not report.boundary.declarations:
        note("no-boundary", "no system-boundary claim or stage list was found")
    for st in (report.inventory.stages if report.inventory else []):
        if st.stage.canonical is None:
            note("unknown-stage", f"inventory stage '{st.stage.name}' matches no known life-cycle stage", "warning",
                 st.stage.location)
    for row in (report.results.rows if report.results else []):
        if row.stage.canonical is None:
            note("unknown-stage", f"results row '{row.stage.name}' matches no known life-cycle stage", "warning",
                 row.stage.location)


def text_of(t: Text | None) -> str | None:
    return t.text if t else None
