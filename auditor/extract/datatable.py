"""Every numeric table as a DataTable: its caption and section, its kind and stage, typed columns and rows, and
the relations its rows confirm (auditor.relations). Tables without a stage column (a bill of materials, transport
legs, energy allocated by output) get their stage from the caption, the section heading above them or the EN
15804 module they name, and their lines go into the inventory like any other's.
"""
from __future__ import annotations

from dataclasses import dataclass

from .. import regexes as regex
from ..i18n import Msg, T
from ..model import (
    DataTable,
    Inventory,
    InventoryLine,
    InventoryStage,
    Quantity,
    StageRef,
    TableColumn,
    TableKind,
    TableRow,
    Text,
)
from ..numbers import fold
from ..read.document import Document, Table
from ..relations import discover, numbers_checked, quantity_unit
from ..vocab import AMBIGUOUS_TRANSPORT, is_subtotal_row, is_total_row, match_stage, norm, stage_in, vocab
from .prose import Sections
from .tables import Header, cell_quantity, header_unit, numeric_text, row_location

CAPTION_RE = regex.compile(r"^\s*(?:表|table|tab\.)\s*[\dA-Z]+(?:[.\-–—]\d+)*\s*[:：.]?\s*(?P<body>.*)$", regex.I)
MODULE_RE = regex.compile(r"[(（]\s*(?P<m>A1\s*[-–]\s*A3|A[1-5]|B[1-7]|C1\s*[-–]\s*C4|C[1-4]|D)\s*[)）]|"
                          r"\bmodules?\s+(?P<m2>A1\s*[-–]\s*A3|A[1-5]|B[1-7]|C1\s*[-–]\s*C4|C[1-4]|D)\b")
QUANTITY_ROLES = ("activity", "per_unit", "annual", "mass", "tkm", "fuel")


@dataclass
class Context:
    caption: Text | None
    section: str | None


def table_contexts(doc: Document, tables: list[Table], sections: Sections) -> list[Context]:
    """The caption printed just above a table (else just below it) and the section heading it stands under."""
    flow = doc.prose
    lines: list[tuple[int, int, float, float, str, int]] = []   # (page, idx, top, bottom, text, offset)
    pos = 0
    for k, text in enumerate(flow.text.split("\n")):
        gs = [g for g in flow.glyphs[pos:pos + len(text)] if g is not None]
        if gs and text.strip():
            lines.append((gs[0].page, k, min(g.top for g in gs), max(g.bottom for g in gs), text.strip(), pos))
        pos += len(text) + 1
    out = []
    for t in tables:
        top, bottom = t.bbox[1], t.bbox[3]
        above = [ln for ln in lines if ln[0] < t.page or (ln[0] == t.page and ln[3] <= top + 2)]
        below = [ln for ln in lines if ln[0] == t.page and ln[2] >= bottom - 2]
        caption = None
        near = [ln for ln in above[-3:] if ln[0] == t.page and top - ln[3] < 90]
        for ln in reversed(near):
            if CAPTION_RE.match(ln[4]):
                caption = ln
                break
        if caption is None and top < 160:     # a caption left at the foot of the previous page
            for ln in reversed(above[-2:]):
                if ln[0] == t.page - 1 and CAPTION_RE.match(ln[4]):
                    caption = ln
                    break
        if caption is None:
            for ln in below[:2]:
                if ln[2] - bottom < 40 and CAPTION_RE.match(ln[4]):
                    caption = ln
                    break
        section = sections.heading_at(above[-1][5]) if above else None
        cap = Text(text=caption[4], location=flow.location(caption[5], caption[5] + len(caption[4]))) if caption \
            else None
        out.append(Context(caption=cap, section=section))
    return out


def stage_in_text(text: str | None) -> StageRef | None:
    """The life-cycle stage a caption or heading names: an EN 15804 module in brackets, else the longest stage
    term the text contains ('4.2 原材料获取阶段', '表 4-5 生产阶段能源消耗', 'Manufacturing (A3)')."""
    if not text:
        return None
    t = fold(text)
    m = MODULE_RE.search(t)
    if m:
        code = regex.sub(r"\s+", "", m.group("m") or m.group("m2"))
        canonical, _ = match_stage(code)
        if canonical and canonical != AMBIGUOUS_TRANSPORT:
            name = regex.sub(r"^\s*(?:(?:表|table)\s*[\dA-Z]+(?:[.\-–—]\d+)*|\d+(?:\.\d+)*)\.?\s*", "", t,
                             flags=regex.I)
            return StageRef(name=name.strip() or text.strip(), canonical=canonical, score=100.0)
    body = CAPTION_RE.match(t)
    core = body.group("body") if body else regex.sub(r"^\s*\d+(?:\.\d+)*\.?\s*", "", t)
    found = stage_in(core)
    if found is None:
        for term in vocab().ambiguous_transport:
            if len(term) >= 2 and term in norm(core):
                return StageRef(name=term, canonical=AMBIGUOUS_TRANSPORT, score=90.0)
        return None
    return StageRef(name=found[1], canonical=found[0], score=90.0)


def table_kind(header: Header, base: str) -> TableKind:
    """The kind of a numeric table, from the roles of its columns (base: tables.classify's answer)."""
    r = {x for x in header.roles if x}
    if base == "results":
        return "results"
    if "tkm" in r or ("mass" in r and "distance" in r) or ("fuel" in r and "trips" in r):
        return "transport"
    if "annual" in r and ("output" in r or "per_unit" in r):
        return "energy"
    if base in ("inventory", "boundary", "factor_table", "product", "key_value"):
        return base  # type: ignore[return-value]
    if "factor" in r and "emissions" in r and any(q in r for q in QUANTITY_ROLES):
        return "inventory"
    stages = sum(1 for t in header.texts if t and match_stage(t)[0] not in (None, AMBIGUOUS_TRANSPORT))
    if stages >= 2 and "stage" not in r:
        return "matrix"
    return "other"


def data_table(table: Table, header: Header, kind: TableKind, ctx: Context) -> DataTable:
    cols = []
    for i in range(table.ncols):
        text = header.texts[i] if i < len(header.texts) else ""
        role = header.roles[i] if i < len(header.roles) else None
        ut = header_unit(text) if text else None
        cols.append(TableColumn(index=i, header=text, role=role, unit=quantity_unit(role, ut), unit_text=ut))
    label_cols = [c.index for c in cols if c.role in ("item", "stage", "mode", "indicator")]
    # a unit column belongs to the quantity column left of it; a factor-unit column to the factor column
    unit_of: dict[int, int] = {}
    for c in cols:
        if c.role == "unit":
            left = [q.index for q in cols if q.index < c.index and q.role in QUANTITY_ROLES + ("output",)]
            if not left and c.index > 0 and cols[c.index - 1].role is None:
                left = [c.index - 1]        # 项目 | 数值 | 单位: the value column left of it
            if left:
                unit_of[left[-1]] = c.index
        elif c.role == "factor_unit":
            left = [q.index for q in cols if q.index < c.index and q.role == "factor"]
            if left:
                unit_of[left[-1]] = c.index
    rows = []
    for row in table.rows[header.rows:]:
        texts = [c.text for c in row if c.text and not numeric_text(c.text)]
        first = next((c.text for c in row if c.text), "")
        named = [row[i].text for i in label_cols if i < len(row) and row[i].text and not numeric_text(row[i].text)]
        label = " ".join(dict.fromkeys(named or texts[:1]))[:120]
        # a merged stage cell comes first in a 小计 row of a table with a stage column: any label cell counts
        kind_ = "total" if is_total_row(first) or any(is_total_row(x) for x in texts[:3]) else \
            "subtotal" if is_subtotal_row(first) or any(is_subtotal_row(x) for x in texts[:3]) else "line"
        cells = []
        for i in range(table.ncols):
            cell = row[i] if i < len(row) else None
            q = cell_quantity(cell, cols[i].unit, cols[i].unit_text) if cell is not None and not cell.merged else None
            if q is not None:
                ucol = unit_of.get(i)
                utext = row[ucol].text if ucol is not None and ucol < len(row) and row[ucol].text else None
                if utext:
                    q.unit, q.unit_text = quantity_unit(cols[i].role, utext) or value_unit(utext), utext
                elif q.unit is None and q.unit_text:
                    q.unit = quantity_unit(cols[i].role, q.unit_text)
            cells.append(q)
        if not any(cells) and not texts:
            continue
        rows.append(TableRow(label=label, kind=kind_, cells=cells, location=row_location(row)))
    stage = None
    if "stage" not in header.roles:
        stage = stage_in_text(ctx.caption.text if ctx.caption else None) or stage_in_text(ctx.section)
        if stage is None and kind in ("inventory", "energy") and _energy_table(table, header, ctx):
            # its place: the energy a plant uses is the production stage's (GB/T 24067 5.2, ISO 14067 6.3.5)
            stage = StageRef(name=(ctx.caption.text if ctx.caption else ctx.section) or "energy", canonical="production",
                             score=60.0)
    dt = DataTable(kind=kind, caption=ctx.caption, section=ctx.section, stage=stage, columns=cols, rows=rows,
                   location=table.location)
    dt.numbers = sum(1 for r in rows for q in r.cells if q is not None)
    dt.relations = discover(dt)
    dt.numbers_checked = numbers_checked(dt)
    return dt


def value_unit(text: str) -> str | None:
    """A unit printed beside a value of no declared role: an emissions unit, per something or not (tCO₂e/t ->
    tCO2e/t), else a quantity unit."""
    from ..units import activity_unit, emission_unit

    num, _, den = fold(text).partition("/")
    eu = emission_unit(num)
    if eu is not None:
        return eu.text + (f"/{den.strip()}" if den.strip() else "")
    au = activity_unit(text)
    return au[0] if au else None


DERIVED = {"per_unit": regex.compile(r"单位产品|每吨|每台|每件|per\s+(?:unit|tonne|functional)|footprint\s+per", regex.I),
           "total": regex.compile(r"年排放总量|排放总量|碳排放总量|总排放量|total\s+(?:annual\s+)?emissions", regex.I),
           "output": regex.compile(r"年产量|产品产量|annual\s+(?:output|production)", regex.I)}


def derived_values(dt: DataTable) -> list[tuple[str, str, Quantity]]:
    """A small table that states the per-unit derivation (年排放总量 | 36,830.80 | tCO₂e; 年产量 | 19,200 | t;
    单位产品碳足迹 | 1.9183 | tCO₂e/t): (what, label, value) for each such row."""
    out: list[tuple[str, str, Quantity]] = []
    if dt.relations or len(dt.rows) > 8:
        return out
    for r in dt.rows:
        nums = [q for q in r.cells if q is not None]
        if len(nums) != 1 or not r.label:
            continue
        for what, rx in DERIVED.items():
            if rx.search(r.label):
                out.append((what, r.label, nums[0]))
                break
    return out


ENERGY_WORDS = regex.compile(r"能源|能耗|电力|用电|天然气|蒸汽|公用工程|energy|electricity|natural\s+gas|steam|utilities|"
                            r"fuel", regex.I)


def _energy_table(table: Table, header: Header, ctx: Context) -> bool:
    """A table of the energy carriers a plant uses (its caption, heading or item column says energy)."""
    if ENERGY_WORDS.search(" ".join(x for x in [ctx.caption.text if ctx.caption else "", ctx.section or "",
                                                 *header.texts] if x)):
        return True
    items = [row[c].text for row in table.rows[header.rows:] for c in header.cols("item") if c < len(row)]
    return bool(items) and sum(1 for t in items if ENERGY_WORDS.search(t)) * 2 >= len(items)


def inventory_from(dt: DataTable, unit: str | None) -> tuple[Inventory | None, Msg | None]:
    """The inventory lines of a table without a stage column: one stage (the table's), one line per row that
    holds a quantity, a factor or emissions; its subtotal (or, in a table of one stage, its total) is the stage's
    value. The quantity column is the one the confirmed relation emissions = quantity x factor uses (the
    per-unit one when the table allocates annual figures). Returns (inventory, why not)."""
    if dt.stage is None:
        return None, T("note.why-no-stage")
    e_cols = [c.index for c in dt.columns if c.role == "emissions"]
    f_cols = [c.index for c in dt.columns if c.role == "factor"]
    if not e_cols or not f_cols:
        return None, T("note.why-no-emissions-or-factor")
    rel = _pick(dt, e_cols, unit)
    e, q = (rel.target, rel.operands[0]) if rel else (e_cols[0], _first_quantity(dt))
    f = rel.operands[1] if rel and len(rel.operands) == 2 else f_cols[0]
    # the line products are checked with the printed units (ARI001): a conversion the units do not explain
    # (rows that agree only at x1000 of what the units say) is left to the table-relation rules
    units_explain = rel is not None and (rel.unit_scale == "by row" or rel.scale == (rel.unit_scale or "1"))
    if not units_explain:
        q = None
    eunit = dt.columns[e].unit
    st = InventoryStage(stage=dt.stage)
    inv = Inventory(location=dt.location, emissions_unit=eunit)
    for r in dt.rows:
        if r.kind != "line":
            value = r.cells[e] if e < len(r.cells) else None
            if value is not None and st.emissions is None:
                st.emissions, st.emissions_from = value, "subtotal"
            continue
        act = r.cells[q] if q is not None and q < len(r.cells) else None
        fac = r.cells[f] if f < len(r.cells) else None
        emis = r.cells[e] if e < len(r.cells) else None
        if act is None and fac is None:
            continue
        st.lines.append(InventoryLine(stage=dt.stage, item=r.label or None, activity=act, factor=fac, emissions=emis,
                                      location=r.location))
    if not st.lines:
        return None, T("note.why-no-rows")
    inv.stages.append(st)
    for rel_ in dt.relations:
        if rel_.kind == "product" and q is not None and rel_.target == e and rel_.operands == [q, f]:
            rel_.covered_by = "ARI001"
        if rel_.kind == "sum" and rel_.target == e:
            rel_.covered_by = "ARI002"
    dt.read_as = "inventory"
    return inv, None


def _first_quantity(dt: DataTable) -> int | None:
    for role in ("per_unit", "activity", "tkm", "fuel", "annual", "mass"):
        for c in dt.columns:
            if c.role == role:
                return c.index
    return None


def _pick(dt: DataTable, e_cols: list[int], unit: str | None):
    rels = [r for r in dt.relations if r.kind == "product" and r.target in e_cols and len(r.operands) == 2]
    if not rels:
        return None
    if unit:
        same = [r for r in rels if dt.columns[r.target].unit == unit]
        if same:
            return same[0]
    return rels[0]
