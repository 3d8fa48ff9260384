"""Tables -> report parts. Each table is classified by the roles of its header cells
(matched by meaning against the vocabulary), then read row by row."""
from __future__ import annotations

from dataclasses import dataclass

from .. import regexes as regex
from ..i18n import Msg, T
from ..model import (
    BoundaryTableRow,
    FactorTable,
    FactorTableRow,
    Inventory,
    InventoryLine,
    InventoryStage,
    Location,
    Quantity,
    QuotedValue,
    ResultRow,
    ResultsTable,
    StageRef,
    Text,
)
from ..numbers import NUMBER, Parsed, parse_number
from ..read.document import Cell, Table
from ..units import activity_unit, emission_unit, factor_unit, squash
from ..vocab import (
    AMBIGUOUS_TRANSPORT,
    header_role,
    is_subtotal_row,
    is_total_row,
    match_stage,
    resolve_order,
    vocab,
)

SPACE_GROUPED = regex.compile(r"^\s*[-−+]?\d{1,3}(?:[ \u00a0\u2009\u202f]\d{3})+(?:\.\d+)?(?:\s*%|\s+\D.*)?\s*$")
STAGE_SUBTOTAL = regex.compile(r"\s*(?:小计|合计|sub-?total)\s*$", regex.I)
YEAR_RE = regex.compile(r"(?<!\d)((?:19|20)\d{2})\s*(?:年|年度)?(?!\d)")
CELL_QTY_RE = regex.compile(rf"^\s*({NUMBER})\s*(%?)\s*(.*?)\s*$")
UNIT_IN_BRACKETS = regex.compile(r"[(（\[]\s*([^()（）\[\]]+?)\s*[)）\]]")
# "电力 kwh", "天然气(m³)", "柴油kg": an item with its unit. The unit must stand apart (a space or a bracket),
# or be Latin after a CJK item: "电子元器件" is not 电子元器 in 件, and "Diesel" is not Diese in litres.
ITEM_UNIT_RE = regex.compile(
    r"^(?P<item>.*?[^\s\d])(?:\s+|\s*[(（]\s*|(?<=\p{Han})(?=[A-Za-z]))"
    r"(?P<unit>kwh|kw·h|kw\.h|kw h|mwh|kg|t|m3|m³|m|nm3|l|mj|gj|t·km|t\.km|t km|tkm|km|"
    r"千瓦时|度|千克|公斤|吨|立方米|升|吨公里|吨·公里|台|件|套|个)\s*[)）]?$",
    regex.I,
)


@dataclass
class Header:
    roles: list[str | None]     # role of each column
    texts: list[str]            # header text of each column
    rows: int                   # how many rows the header takes

    def cols(self, role: str) -> list[int]:
        return [i for i, r in enumerate(self.roles) if r == role]

    def has(self, role: str) -> bool:
        return role in self.roles


def _numeric(cell: Cell) -> bool:
    return bool(cell.text) and CELL_QTY_RE.match(cell.text) is not None and parse_number(
        CELL_QTY_RE.match(cell.text).group(1)) is not None


def read_header(table: Table) -> Header:
    """The header is the first row; a second row joins it when the first has a group cell spanning
    columns (e.g. 活动数据 over value and unit) and the second holds no numbers. A first row with two or more
    numbers (years aside) is data, and the header it stands in has no roles."""
    n = 1
    first = table.rows[0]
    spans = any(c.merged and c.text for c in first)
    if spans and len(table.rows) > 2 and not any(
            _numeric(c) and not YEAR_RE.fullmatch(c.text.strip()) for c in table.rows[1]):
        n = 2
    texts = []
    for c in range(table.ncols):
        parts: list[str] = []
        for r in range(n):
            row = table.rows[r]
            if c < len(row) and row[c].text and row[c].text not in parts:
                parts.append(row[c].text)
        texts.append(balanced(" ".join(parts)))
    data_row = sum(1 for c in first if _numeric(c) and not YEAR_RE.fullmatch(c.text.strip())) >= 2
    # a row of values (the headerless continuation of a table) is no header, whatever words its cells hold
    roles = [header_role(t)[0] if t and not data_row else None for t in texts]
    return Header(roles=roles, texts=texts, rows=n)


def classify(table: Table, header: Header) -> str:
    r = {x for x in header.roles if x}
    if ("included" in r or "excluded" in r) and "stage" in r:
        return "boundary"
    if "factor" in r and ("activity" in r or "fuel" in r or "item" in r or "stage" in r):
        return "inventory"
    if ("functional_unit" in r or "model" in r) and "emissions" in r:
        return "product"
    if "stage" in r and ("emissions" in r or "percent" in r):
        return "results"
    years = [t for t in header.texts if YEAR_RE.search(t)]
    if years and ("region" in r or len(years) >= 1 and _first_col_labels(table, header)) and _speaks_of_factors(table) \
            and sum(1 for row in table.rows[header.rows:] for c in row if _numeric(c)) >= 2:
        return "factor_table"   # (a document-control table naming the reporting year holds no factors)
    if _looks_key_value(table):
        return "key_value"
    return "unknown"


# year columns alone make no factor table (a census by year, a sales history): the table must speak of emissions
def knows_table(table: Table) -> bool:
    """The reader's table policy: an unruled table is kept when its kind is one the report reader reads."""
    return classify(table, read_header(table)) != "unknown"


FACTOR_WORDS = regex.compile(r"排放|因子|系数|碳|电网|emission|factor|\bEF\b|CO2|GHG|carbon|grid", regex.I)


def _speaks_of_factors(table: Table) -> bool:
    return any(FACTOR_WORDS.search(c.text) for row in table.rows for c in row if c.text and not c.merged)


def _first_col_labels(table: Table, header: Header) -> bool:
    body = table.rows[header.rows:]
    return bool(body) and all(row and row[0].text and not _numeric(row[0]) for row in body)


def _looks_key_value(table: Table) -> bool:
    """A two-column table of labels and values: a cover box, a document-control table (Title, Client, Report
    number, Version, Date of issue, Prepared by, Reviewed by)."""
    return any(
        len(row) >= 2 and row[0].text and regex.search(
            r"(名称|依据|地址|代表人|联系|编号|日期|委托方|型号|机构|name|address|standard|^\s*(?:title|client|version|"
            r"report\s*(?:no|number)|document\s*(?:no|number)|date\s*of\s*issue|issue\s*date|prepared\s*by|"
            r"reviewed\s*by|approved\s*by)\b)", row[0].text, regex.I)
        for row in table.rows
    )


# ---------------------------------------------------------------- quantities from cells


def cell_quantity(cell: Cell, unit: str | None = None, unit_text: str | None = None,
                  unit_note: str | None = None) -> Quantity | None:
    if not cell.text or cell.merged:
        return None
    text = cell.text
    if SPACE_GROUPED.match(text):     # '11 303.1', '45 310.20 tCO2e': thousands grouped by spaces (ISO 31-0)
        text = regex.sub(r"(?<=\d)[ \u00a0\u2009\u202f](?=\d{3}(?!\d))", "", text)
    m = CELL_QTY_RE.match(text)
    if not m:
        return None
    p = parse_number(m.group(1))
    if p is None:
        return None
    trailing = m.group(3)
    pct = bool(m.group(2))
    return make_quantity(p, cell.location, unit="%" if pct else unit, unit_text=trailing or unit_text,
                         unit_note=unit_note, conf=cell.conf, shown=text.strip() if pct else m.group(1))


def make_quantity(p: Parsed, location: Location | None, unit: str | None = None, unit_text: str | None = None,
                  unit_note: str | None = None, conf: float | None = None, shown: str | None = None) -> Quantity:
    return Quantity(text=shown or p.text, value=p.value, decimals=p.decimals, unit=unit, unit_text=unit_text or None,
                    unit_note=unit_note, location=location, confidence=conf)


def balanced(text: str) -> str:
    """A header's brackets made whole: a closing bracket with no opening one is dropped, an opening one never
    closed is closed at the end ('EF (kg CO2e/t·km' when the ')' was printed past the cell's ruling, as scans and
    tight cells do)."""
    pairs = {")": "(", "）": "（", "]": "["}
    closes = {v: k for k, v in pairs.items()}
    out: list[str] = []
    stack: list[str] = []
    for ch in text:
        if ch in pairs:
            if not stack or stack[-1] != pairs[ch]:
                continue
            stack.pop()
        elif ch in closes:
            stack.append(ch)
        out.append(ch)
    return ("".join(out) + "".join(closes[o] for o in reversed(stack))).strip()


def header_unit(text: str) -> str | None:
    """The unit in a header's brackets: '温室气体量 (kgCO₂eq)' -> 'kgCO₂eq'."""
    group = _last_bracket_group(text)     # the last bracket holds the unit: 'kgCO2e/(t·km)' keeps its own brackets
    if group:
        return group
    if "/" in text:
        return text.split("/", 1)[1].strip()
    return None


def _last_bracket_group(text: str) -> str | None:
    """The content of the last top-level bracket pair ('排放因子 (kgCO2e/(t·km))' -> 'kgCO2e/(t·km)')."""
    opens = "(（["
    closes = ")）]"
    depth = 0
    end = None
    for i in range(len(text) - 1, -1, -1):
        ch = text[i]
        if ch in closes:
            if depth == 0:
                end = i
            depth += 1
        elif ch in opens and depth:
            depth -= 1
            if depth == 0 and end is not None:
                inner = text[i + 1:end].strip()
                return inner or None
    return None


def stage_ref(cell: Cell) -> StageRef:
    canonical, score = match_stage(cell.text)
    return StageRef(name=cell.text, canonical=canonical, score=round(score, 1), location=cell.location)


def _resolve_refs(refs: list[StageRef]) -> None:
    resolved = resolve_order([r.canonical for r in refs])
    for r, c in zip(refs, resolved):
        r.canonical = c


# ---------------------------------------------------------------- inventory


def split_item_unit(text: str) -> tuple[str, str | None]:
    t = text.strip()
    m = ITEM_UNIT_RE.match(t)
    if m:
        return m.group("item").strip(), m.group("unit")
    return t, None


def read_inventory(table: Table, header: Header) -> tuple[Inventory, list[Msg]]:
    """Inventory rows -> stages and lines. Returns the inventory and notes on rows it could not read."""
    notes: list[Msg] = []
    emis_unit_text = next((header_unit(header.texts[c]) for c in header.cols("emissions")
                           if header_unit(header.texts[c])), None)
    eu = emission_unit(emis_unit_text) if emis_unit_text else None
    factor_unit_hdr = next((header_unit(header.texts[c]) for c in header.cols("factor")
                            if header_unit(header.texts[c])), None)
    activity_unit_hdr = next((header_unit(header.texts[c]) for c in header.cols("activity")
                              if header_unit(header.texts[c])), None)
    inv = Inventory(location=table.location, emissions_unit=eu.text if eu else None)
    current: InventoryStage | None = None
    emis_merged: dict[int, list[bool]] = {}
    for row in table.rows[header.rows:]:
        label = " ".join(row[c].text for c in header.cols("stage") + header.cols("item") if c < len(row) and row[c].text)
        stage_cells = [row[c] for c in header.cols("stage") if c < len(row)]
        emis_cells = [row[c] for c in header.cols("emissions") if c < len(row)]
        emis = next((q for q in (cell_quantity(c, eu.text if eu else None, emis_unit_text) for c in emis_cells) if q),
                    None)
        first_text = next((c.text for c in row if c.text), "")
        if is_total_row(first_text) or (label and is_total_row(label.split()[0])):
            if emis is not None:
                inv.total = emis
            continue
        if is_subtotal_row(label) or is_subtotal_row(first_text):
            if current is not None and emis is not None:
                current.emissions = emis
                current.emissions_from = "subtotal"
            continue
        stage_cell = stage_cells[0] if stage_cells else None
        if stage_cell is not None and stage_cell.text and (current is None or not stage_cell.merged
                                                            and stage_cell.text != current.stage.name):
            current = InventoryStage(stage=stage_ref(stage_cell))
            inv.stages.append(current)
        elif current is None:
            notes.append(T("note.row-without-stage", row=" | ".join(c.text for c in row)))
            continue
        line = _read_line(row, header, current.stage, factor_unit_hdr, activity_unit_hdr, eu, emis_unit_text)
        if line is None:
            if any(c.text for c in row):
                notes.append(T("note.row-not-read", row=" | ".join(c.text for c in row)))
            continue
        merged = bool(emis_cells) and all(c.merged for c in emis_cells)
        emis_merged.setdefault(id(current), []).append(merged)
        line.emissions = None if merged else emis
        current.lines.append(line)
    for st in inv.stages:
        flags = emis_merged.get(id(st), [])
        own = [ln.emissions for ln in st.lines]
        if st.emissions_from == "subtotal":
            continue
        if len(st.lines) > 1 and own[0] is not None and all(flags[1:]) and all(o is None for o in own[1:]):
            st.emissions, st.emissions_from = own[0], "merged"
            st.lines[0].emissions = None
        elif len(st.lines) == 1 and own[0] is not None:
            st.emissions, st.emissions_from = own[0], "single-line"
    _resolve_refs([s.stage for s in inv.stages])
    inv.stages = _merge_modules(inv.stages)
    return inv, notes


def _merge_modules(stages: list[InventoryStage]) -> list[InventoryStage]:
    """Neighbouring stage rows that name one stage (EN 15804 modules C1, C2, C3, C4 of end of life) are one
    stage: their lines together, the subtotal closing them its value."""
    out: list[InventoryStage] = []
    for st in stages:
        prev = out[-1] if out else None
        if prev is not None and st.stage.canonical and prev.stage.canonical == st.stage.canonical \
                and st.stage.name != prev.stage.name:
            sub = st if st.emissions_from == "subtotal" else prev if prev.emissions_from == "subtotal" else None
            prev.lines.extend(st.lines)
            if sub is not None:
                prev.emissions, prev.emissions_from = sub.emissions, "subtotal"
            else:
                prev.emissions, prev.emissions_from = None, "none"
            continue
        out.append(st)
    return out


def _read_line(row: list[Cell], header: Header, stage: StageRef, factor_unit_hdr: str | None,
               activity_unit_hdr: str | None, eu, emis_unit_text) -> InventoryLine | None:
    item: str | None = None
    unit_text: str | None = None
    for c in header.cols("item"):
        if c < len(row) and row[c].text and not _numeric(row[c]):
            item, unit_text = split_item_unit(row[c].text)
    activity: Quantity | None = None
    activity_cell: Cell | None = None
    for c in header.cols("activity"):
        if c >= len(row) or not row[c].text or (row[c].merged and header.roles.count("activity") > 1):
            continue
        if _numeric(row[c]):
            activity_cell = row[c]
        elif item is None:
            item, unit_text = split_item_unit(row[c].text)
        elif unit_text is None:
            unit_text = row[c].text
    for c in header.cols("unit"):
        if c < len(row) and row[c].text and not _numeric(row[c]):
            unit_text = row[c].text
    if activity_cell is not None:
        m = CELL_QTY_RE.match(activity_cell.text)
        if m and m.group(3):
            unit_text = unit_text or m.group(3)
        unit_text = unit_text or activity_unit_hdr
        au = activity_unit(unit_text, item) if unit_text else None
        activity = cell_quantity(activity_cell, au[0] if au else None, unit_text, au[1] if au else None)
    factor: Quantity | None = None
    fu_text = None
    for c in header.cols("factor_unit"):
        if c < len(row) and row[c].text:
            fu_text = row[c].text
    fu_text = fu_text or factor_unit_hdr
    for c in header.cols("factor"):
        if c < len(row) and _numeric(row[c]) and not (row[c].merged and not row[c].text):
            m = CELL_QTY_RE.match(row[c].text)
            t = fu_text or (m.group(3) if m and m.group(3) else None)
            fu = factor_unit(t, item) if t else None
            factor = cell_quantity(row[c], fu.text if fu else None, t, fu.per_note if fu else None)
    if activity is None and factor is None:
        return None
    return InventoryLine(stage=stage, item=item, activity=activity, factor=factor, location=row_location(row))


def row_location(row: list[Cell]) -> Location | None:
    """The box around a row's cells, on the page of its first cell."""
    boxes = [(c.page, c.bbox) for c in row if c.bbox]
    if not boxes:
        return None
    return Location(page=boxes[0][0], bbox=(min(b[0] for _, b in boxes), min(b[1] for _, b in boxes),
                                            max(b[2] for _, b in boxes), max(b[3] for _, b in boxes)))


def numeric_text(text: str) -> bool:
    """A cell that holds a number and nothing else ('1,071.02', '88.31%', '1.14E+02'), no unit after it."""
    m = CELL_QTY_RE.match(text)
    return bool(m) and parse_number(m.group(1)) is not None and not m.group(3)


# ---------------------------------------------------------------- results


def read_results(table: Table, header: Header) -> ResultsTable:
    stage_col = header.cols("stage")[0]
    emis_cols = header.cols("emissions")
    pct_cols = header.cols("percent")
    unit_text = next((header_unit(header.texts[c]) for c in emis_cols if header_unit(header.texts[c])), None)
    eu = emission_unit(unit_text.split("/")[0]) if unit_text else None
    res = ResultsTable(location=table.location, unit=eu.text if eu else None)
    refs = []
    for row in table.rows[header.rows:]:
        if stage_col >= len(row):
            continue
        label = row[stage_col].text
        value = next((q for c in emis_cols if c < len(row)
                      for q in [cell_quantity(row[c], eu.text if eu else None, unit_text)] if q), None)
        pct = next((q for c in pct_cols if c < len(row) for q in [cell_quantity(row[c], "%")] if q), None)
        if pct is not None:
            pct.unit = "%"
        if value is None:
            continue
        if res.total is not None:
            continue      # a row after the total (module D, beyond the system boundary) is not part of it
        if is_total_row(label):
            res.total, res.total_percent = value, pct
            continue
        ref = stage_ref(row[stage_col])
        refs.append(ref)
        res.rows.append(ResultRow(stage=ref, value=value, percent=pct))
    # sub-stage rows closed by a '原材料获取小计' row per stage: the subtotal rows are the stage values, the rows
    # above them their parts (the table's own sums check those)
    subtotals = [r for r in res.rows if STAGE_SUBTOTAL.search(r.stage.name)]
    if subtotals:
        for r in subtotals:
            name = STAGE_SUBTOTAL.sub("", r.stage.name).strip() or r.stage.name
            canonical, score = match_stage(name)
            r.stage = StageRef(name=name, canonical=canonical, score=round(score, 1), location=r.stage.location)
        res.rows = subtotals
        refs = [r.stage for r in subtotals]
    _resolve_refs(refs)
    return res


# ---------------------------------------------------------------- boundary table, factor tables, product box


def read_boundary_table(table: Table, header: Header) -> list[BoundaryTableRow]:
    sc = header.cols("stage")[0]
    inc = header.cols("included")
    exc = header.cols("excluded")
    out = []
    for row in table.rows[header.rows:]:
        if sc >= len(row) or not row[sc].text:
            continue
        out.append(BoundaryTableRow(
            stage=stage_ref(row[sc]),
            included=row[inc[0]].text if inc and inc[0] < len(row) else None,
            excluded=row[exc[0]].text if exc and exc[0] < len(row) else None,
        ))
    _resolve_refs([r.stage for r in out])
    return out


def read_factor_table(table: Table, header: Header) -> FactorTable:
    value_cols = [i for i, t in enumerate(header.texts) if YEAR_RE.search(t) or header.roles[i] == "factor"]
    unit_cols = header.cols("unit")
    years = []
    for i in value_cols:
        m = YEAR_RE.search(header.texts[i])
        years.append(int(m.group(1)) if m else None)
    rows = []
    units = set()
    for row in table.rows[header.rows:]:
        if not row or not row[0].text:
            continue
        unit_text = row[unit_cols[0]].text if unit_cols and unit_cols[0] < len(row) else None
        fu = factor_unit(unit_text) if unit_text else None
        if unit_text:
            units.add(unit_text)
        rows.append(FactorTableRow(label=row[0].text, unit=fu.text if fu else unit_text,
                                   values=[cell_quantity(row[c], fu.text if fu else None, unit_text)
                                           if c < len(row) else None for c in value_cols]))
    unit_text = next(iter(units)) if len(units) == 1 else None
    fu = factor_unit(unit_text) if unit_text else None
    return FactorTable(columns=[header.texts[i] for i in value_cols], years=years, rows=rows,
                       unit=fu.text if fu else None, unit_text=unit_text, location=table.location)


def read_product_box(table: Table, header: Header) -> tuple[dict[str, Text], list[QuotedValue]]:
    fields: dict[str, Text] = {}
    quotes: list[QuotedValue] = []
    emis_cols = header.cols("emissions")
    unit_text = next((header_unit(header.texts[c]) for c in emis_cols if header_unit(header.texts[c])), None)
    eu = emission_unit(unit_text) if unit_text else None
    for row in table.rows[header.rows:]:
        for role, key in (("item", "product"), ("product", "product"), ("model", "model"),
                          ("functional_unit", "functional_unit")):
            for c in header.cols(role):
                if c < len(row) and row[c].text and key not in fields:
                    fields[key] = Text(text=row[c].text, location=row[c].location)
        for c in emis_cols:
            q = cell_quantity(row[c], eu.text if eu else None, unit_text) if c < len(row) else None
            if q is not None:
                quotes.append(QuotedValue(place="cover", stage=None, value=q,
                                          text=f"{header.texts[c]}: {row[c].text}"))
    return fields, quotes




def read_key_values(table: Table) -> dict[str, Text]:
    """Label cell -> the value cell after it. A report number keeps no version glued to it ('CFP-2025-789 版本:
    A/1'), and a product cell that names its model ('TerraShelf shelving unit, model T-800') gives both."""
    from .prose import field_value, split_model

    out: dict[str, Text] = {}
    for row in table.rows:
        cells = [c for i, c in enumerate(row) if c.text and not (c.merged and i and row[i - 1].text == c.text)]
        for i in range(len(cells) - 1):
            key = squash(cells[i].text)
            for field, pat in vocab().key_value_fields.items():
                if regex.search(pat, key, regex.I) and field not in out:
                    value = field_value(cells[i + 1].text) if field != "standard" else cells[i + 1].text
                    out[field] = Text(text=value or cells[i + 1].text, location=cells[i + 1].location)
    split_model(out)
    return out


__all__ = [
    "knows_table",
    "Header", "read_header", "classify", "read_inventory", "read_results", "read_boundary_table",
    "read_factor_table", "read_product_box", "read_key_values", "cell_quantity", "make_quantity", "AMBIGUOUS_TRANSPORT",
]
