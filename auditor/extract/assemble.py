"""Document -> Report: the structured report every rule works on."""
from __future__ import annotations

from collections.abc import Callable

from .. import regexes as regex
from ..i18n import Msg, T
from ..model import Coverage, DataTable, ExtractionNote, Quantity, QuotedValue, Report, StageDeclaration, Text
from ..numbers import find_numbers
from ..read.document import CJK, Cell, Document, Table, join_cell_text
from ..read.ocr import low_confidence_notes
from ..relations import covered_by
from ..vocab import AMBIGUOUS_TRANSPORT, resolve_order
from . import allocation as allocation_prose
from . import prose
from .datatable import data_table, derived_values, inventory_from, table_contexts, table_kind
from .electricity import electricity as electricity_facts
from .prose import Sections, parse_date
from .statement import statement as statement_facts
from .tables import (
    Header,
    classify,
    numeric_text,
    read_boundary_table,
    read_factor_table,
    read_header,
    read_inventory,
    read_key_values,
    read_product_box,
    read_results,
)

NUMERIC_CELL = regex.compile(r"^\s*[-−+]?[\d,]*\d(?:\.\d+)?\s*%?\s*$")


def merge_continued(tables: list[Table]) -> list[Table]:
    """A table that goes on over a page break: same column count and columns, the next part starting at the
    top of the next page and either repeating the header or having none. A row the page break cut in two
    (its tail alone at the top of the next page: no numbers, text only where the row above has text) is joined
    back together."""
    out: list[Table] = []
    for t in tables:
        prev = out[-1] if out else None
        if prev is not None and _continues(prev, t):
            h_prev = read_header(prev)
            h_new = read_header(t)
            same = _same_header(h_new.texts, h_prev.texts)
            if classify(t, h_new) == "unknown" or same:
                body = t.rows[h_new.rows:] if same else t.rows
                rows = list(prev.rows)
                if body and rows and _is_row_tail(body[0], rows[-1]):
                    rows[-1] = _join_rows(rows[-1], body[0])
                    body = body[1:]
                out[-1] = Table(page=prev.page, bbox=prev.bbox, rows=rows + body, ruled=prev.ruled)
                continue
        out.append(t)
    return out


def _same_header(a: list[str], b: list[str]) -> bool:
    """The header repeated: the same texts, spaces aside, or all but a character or two (a scanned page's OCR
    reads the same header a little differently on each page)."""
    from rapidfuzz.fuzz import ratio

    if len(a) != len(b):
        return False
    pairs = [("".join(x.split()), "".join(y.split())) for x, y in zip(a, b)]
    return all(x == y or ratio(x, y) >= 85 for x, y in pairs) and any(x for x, _ in pairs)


def _continues(prev: Table, t: Table) -> bool:
    if t.page != prev.page + 1 or t.ncols != prev.ncols or t.bbox[1] > 120:
        return False
    # the columns line up (same table), within a few points
    a, b = _col_edges(prev), _col_edges(t)
    return not a or not b or all(abs(x - y) < 6 for x, y in zip(a, b))


def _col_edges(t: Table) -> list[float]:
    for row in reversed(t.rows):
        boxes = [c.bbox for c in row if c.bbox is not None and not c.merged]
        if len(row) == t.ncols and len(boxes) == len(row):
            return [b[0] for b in boxes]
    return []


def _is_row_tail(row, above) -> bool:
    used = [i for i, c in enumerate(row) if c.text and not c.merged]
    if not used or any(NUMERIC_CELL.match(row[i].text) for i in used):
        return False
    return all(i < len(above) and above[i].text and not NUMERIC_CELL.match(above[i].text) for i in used) \
        and len(used) < sum(1 for c in above if c.text)


def _join_rows(above, tail):
    joined = []
    for i, c in enumerate(above):
        extra = tail[i].text if i < len(tail) and not tail[i].merged else ""
        if extra:
            c = Cell(text=join_cell_text(c.text + "\n" + extra), page=c.page, bbox=c.bbox, merged=c.merged,
                     conf=min((x for x in (c.conf, tail[i].conf) if x is not None), default=None))
        joined.append(c)
    return joined


# ---------------------------------------------------------------- one reader per kind of table


def _take_inventory(report: Report, table: Table, header: Header) -> None:
    inv, notes = read_inventory(table, header)
    for n in notes:
        report.notes.append(ExtractionNote(code="inventory-row", message=n, severity="warning",
                                           location=table.location))
    if report.inventory is None:
        report.inventory = inv
    else:  # a second inventory table (e.g. per stage): merge
        report.inventory.stages.extend(inv.stages)
        report.inventory.total = report.inventory.total or inv.total


def _take_results(report: Report, table: Table, header: Header) -> None:
    res = read_results(table, header)
    if report.results is None or len(res.rows) > len(report.results.rows):
        report.results = res


def _take_boundary(report: Report, table: Table, header: Header) -> None:
    report.boundary.table.extend(read_boundary_table(table, header))


def _take_factor_table(report: Report, table: Table, header: Header) -> None:
    report.factor_tables.append(read_factor_table(table, header))


def _take_product(report: Report, table: Table, header: Header) -> None:
    meta = report.metadata
    fields, quotes = read_product_box(table, header)
    report.quotes.extend(quotes)
    for k, v in fields.items():
        if k == "functional_unit":
            meta.functional_unit.append(v)
        elif getattr(meta, k) is None:
            setattr(meta, k, v)


def _take_key_values(report: Report, table: Table, header: Header) -> None:
    meta = report.metadata
    for k, v in read_key_values(table).items():
        if k == "standard":
            meta.standard.append(v)
        elif getattr(meta, k) is None:
            setattr(meta, k, v)
            if k == "issue_date":
                meta.issue_date_value = parse_date(v.text)


def _take_stage_table(report: Report, dt: DataTable) -> None:
    """A table of one stage (no stage column): its lines join the inventory as that stage's."""
    unit = report.inventory.emissions_unit if report.inventory else None
    inv, why = inventory_from(dt, unit)
    if inv is None:
        where = dt.caption.text if dt.caption else dt.section
        report.notes.append(ExtractionNote(
            code="table-unread", severity="info", location=dt.location, text=where or "a table",
            message=T("note.stage-table-unread-checked" if dt.relations else "note.stage-table-unread",
                      table=where or T("table.a"), why=why)))
        return
    if report.inventory is None:
        report.inventory = inv
    else:
        report.inventory.stages.extend(inv.stages)


# kind (tables.classify) -> what the report takes from such a table; a kind without a reader is counted and,
# when it holds numbers, noted as not read
TABLE_READERS: dict[str, Callable[[Report, Table, Header], None]] = {
    "inventory": _take_inventory, "results": _take_results, "boundary": _take_boundary,
    "factor_table": _take_factor_table, "product": _take_product, "key_value": _take_key_values,
}


def extract(doc: Document) -> Report:
    report = Report(path=doc.path, producer=doc.producer)
    flow = doc.prose
    sections = Sections.find(flow)
    n_cjk = len(CJK.findall(flow.text[:20000]))
    n_latin = len(regex.findall(r"[A-Za-z]", flow.text[:20000]))
    report.language = "zh" if n_cjk >= n_latin / 4 else "en"
    cov = Coverage(pages=len(doc.pages), text_pages=sum(1 for p in doc.pages if p.chars and not p.ocr),
                   ocr_pages=[p.number for p in doc.pages if p.ocr],
                   ocr_engine=doc.ocr_engine if any(p.ocr for p in doc.pages) else None)
    tables = merge_continued([t for p in doc.pages for t in p.tables])
    cov.tables = len(tables)
    meta = report.metadata
    contexts = table_contexts(doc, tables, sections)
    for table, ctx in zip(tables, contexts):
        header = read_header(table)
        kind = classify(table, header)
        cov.tables_used[kind] = cov.tables_used.get(kind, 0) + 1
        numbers = sum(1 for row in table.rows for c in row if c.text and not c.merged and numeric_text(c.text))
        dt = data_table(table, header, table_kind(header, kind), ctx) if numbers >= 2 else None
        if dt is not None:
            report.tables.append(dt)
            if dt.kind in ("inventory", "transport", "energy") and "stage" not in header.roles:
                _take_stage_table(report, dt)
                continue
            derived = derived_values(dt) if kind == "unknown" else []
            for what, label, value in derived:
                if what == "output":
                    report.metadata.annual_output = report.metadata.annual_output or value
                else:
                    report.quotes.append(QuotedValue(place="results_text", stage=None, value=value,
                                                     text=f"{label} {value.text} {value.unit_text or ''}".strip()))
            if derived:
                dt.read_as = "quotes"
                continue
            if kind in TABLE_READERS:
                dt.read_as = kind
            for rel in dt.relations:   # a table with a stage column: its line products and stage sums are ARI's
                rel.covered_by = covered_by(dt, rel)
        if kind == "unknown" and numbers >= 2 and (dt is None or not dt.relations):
            report.notes.append(ExtractionNote(
                code="table-unread", severity="info", location=table.location,
                text=" | ".join(header.texts),
                message=T("note.table-unknown", n=numbers, header=" | ".join(t for t in header.texts if t)[:120])))
        reader = TABLE_READERS.get(kind)
        if reader is not None:
            reader(report, table, header)
    if report.inventory:      # a bare 运输 / transport stage is resolved by its place among all the stages
        refs = [s.stage for s in report.inventory.stages]
        for ref, c in zip(refs, resolve_order([r.canonical for r in refs])):
            if ref.canonical == AMBIGUOUS_TRANSPORT:
                ref.canonical = c
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
    report.allocation = allocation_prose.allocation(flow)
    report.statement = statement_facts(flow, tables)
    if report.boundary.table:
        report.boundary.declarations.append(StageDeclaration(
            place="boundary_table", text="; ".join(r.stage.name for r in report.boundary.table),
            stages=[r.stage for r in report.boundary.table if r.stage.canonical],
            location=report.boundary.table[0].stage.location))
    report.factor_mentions = prose.factor_mentions(flow)
    report.electricity = electricity_facts(flow, report.factor_mentions, report.factor_tables)
    # coverage
    if report.inventory:
        cov.inventory_stages = len(report.inventory.stages)
        cov.inventory_lines = sum(len(s.lines) for s in report.inventory.stages)
    cov.results_rows = len(report.results.rows) if report.results else 0
    cov.quoted_values = len(report.quotes)
    cov.declarations = len(report.boundary.declarations)
    cov.factor_tables = len(report.factor_tables)
    cov.numbers_checked = sum(t.numbers_checked for t in report.tables)
    report.coverage = cov
    _notes(report, doc)
    _number_coverage(report, tables, flow)
    low = low_confidence_notes(labelled_quantities(report))
    cov.ocr_low_confidence = len(low)
    report.notes.extend(low)
    return report


# where a quote is printed, in words (the engine's facts.place_name says the same)
QUOTE_PLACES = {"summary": "place.summary", "cover": "place.cover", "results_text": "place.results-text",
                "conclusion": "place.conclusion"}


def labelled_quantities(report: Report) -> list[tuple[Msg, Quantity]]:
    """Every number the report model holds, with a short description of where it sits."""
    out: list[tuple[Msg, Quantity | None]] = []
    inv = report.inventory
    for st in (inv.stages if inv else []):
        name = st.stage.name
        out.append((T("where.inventory-stage", stage=name), st.emissions))
        for ln in st.lines:
            item = ln.item or "?"
            out += [(T("where.line-activity", stage=name, item=item), ln.activity),
                    (T("where.line-factor", stage=name, item=item), ln.factor),
                    (T("where.line-emissions", stage=name, item=item), ln.emissions)]
    if inv:
        out.append((T("where.inventory-total"), inv.total))
    res = report.results
    for row in (res.rows if res else []):
        out += [(T("where.results-row", stage=row.stage.name), row.value),
                (T("where.results-row-percent", stage=row.stage.name), row.percent)]
    if res:
        out += [(T("where.results-total"), res.total), (T("where.results-total-percent"), res.total_percent)]
    for q in report.quotes:
        place = T(QUOTE_PLACES.get(q.place, "place.other"))
        if q.stage:
            out += [(T("where.quote-stage", place=place, stage=q.stage.name), q.value),
                    (T("where.quote-stage-percent", place=place, stage=q.stage.name), q.percent)]
        else:
            out += [(T("where.quote-total", place=place), q.value),
                    (T("where.quote-total-percent", place=place), q.percent)]
    for ft in report.factor_tables:
        for frow in ft.rows:
            out += [(T("where.factor-table", label=frow.label), v) for v in frow.values]
    for fm in report.factor_mentions:
        out.append((T("where.factor-in-text"), fm.value))
    out.append((T("where.annual-output"), report.metadata.annual_output))
    for g in getattr(report.metadata, "gwp_values", []):
        out.append((T("where.gwp", gas=g.gas), g.value))
    return [(w, q) for w, q in out if q is not None]


def _key(loc) -> tuple | None:
    return (loc.page, tuple(loc.bbox)) if loc is not None and loc.bbox is not None else None


def _number_coverage(report: Report, tables: list[Table], flow) -> None:
    """How many printed numbers the report model holds, of those in the tables and in the text; emission values
    in the text that no quote, factor or field took are listed as notes, so a reader sees what was not read."""
    cov = report.coverage
    used = {_key(q.location) for _, q in labelled_quantities(report)} - {None}
    cells = [c for t in tables for row in t.rows for c in row if c.text and not c.merged and numeric_text(c.text)]
    cov.table_numbers = len(cells)
    cov.table_numbers_used = sum(1 for c in cells if _key(c.location) in used)
    j = flow.joined()
    numbers = find_numbers(j.text)
    cov.prose_numbers = len(numbers)
    unit = regex.compile(rf"\s*(?:{prose.UNIT_EMIS})")
    values = [(a, b, p) for a, b, p in numbers if unit.match(j.text, b)]
    cov.prose_values = len(values)
    for a, b, p in values:
        loc = j.location(a, b)
        if _key(loc) in used:
            cov.prose_values_used += 1
            continue
        context = j.text[max(0, a - 30): b + 12].replace("\n", " ")
        report.notes.append(ExtractionNote(
            code="prose-value-unread", severity="info", location=loc, text=p.text,
            message=T("note.prose-value-unread", value=p.text, context=context)))


def _notes(report: Report, doc: Document) -> None:
    def note(code: str, message: Msg, severity="info", location=None):
        report.notes.append(ExtractionNote(code=code, message=message, severity=severity, location=location))

    report.notes.extend(doc.notes)

    for p in doc.pages:
        if p.chars == 0 and not p.ocr:
            if p.images:
                note("no-text-layer", T("note.no-text-layer", page=p.number), "warning", None)
            else:
                note("blank-page", T("note.blank-page", page=p.number))
    if report.inventory is None:
        note("no-inventory", T("note.no-inventory"))
    elif not any(ln.activity and ln.factor for s in report.inventory.stages for ln in s.lines):
        note("inventory-unreadable", T("note.inventory-unreadable"), "warning", report.inventory.location)
    if report.results is None:
        note("no-results", T("note.no-results"))
    if not report.quotes:
        note("no-quotes", T("note.no-quotes"))
    if not report.boundary.claims and not report.boundary.declarations:
        note("no-boundary", T("note.no-boundary"))
    for st in (report.inventory.stages if report.inventory else []):
        if st.stage.canonical is None:
            note("unknown-stage", T("note.unknown-inventory-stage", stage=st.stage.name), "warning",
                 st.stage.location)
    for row in (report.results.rows if report.results else []):
        if row.stage.canonical is None:
            note("unknown-stage", T("note.unknown-results-stage", stage=row.stage.name), "warning",
                 row.stage.location)


def text_of(t: Text | None) -> str | None:
    return t.text if t else None
