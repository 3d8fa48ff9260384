"""Relations, not templates: the arithmetic a numeric table's columns promise, found from the header meaning and
units and kept when the rows confirm it.

A table's columns have roles (auditor.vocab header roles: activity, per_unit, mass, distance, tkm, annual,
output, factor, emissions, percent). The candidates are

    emissions = quantity x factor        (quantity: activity, per_unit, annual, mass or tkm)
    emissions = mass x distance x factor (transport legs without a t·km column)
    tkm       = mass x distance
    per_unit  = annual / output          (allocation by output)
    a 小计 / 合计 / Subtotal / Total row = the sum of the line rows above it
    percent   = line / subtotal x 100

each up to a unit conversion (kg vs t, 万, kgCO2e vs tCO2e). The conversion the printed units imply is used when
the units say one; otherwise the one most rows agree with. A relation is kept when the rows confirm it (most of
them agree within the rounding of their printed numbers); a row that then breaks it is a finding, and a unit the
numbers contradict (the rows agree only at a thousand times what the units say) is one too.

Used by the extractor (with the default rounding) to say what each table was checked against, and by the
table-relation rules (with the configured tolerance) to check every row.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from . import regexes as regex
from .i18n import J, Msg, T
from .model import DataTable, Quantity, TableRelation, TableRow
from .numbers import Interval
from .units import TEN4, EmissionUnit, activity_unit, check_product, emission_unit, factor_unit
from .vocab import AMBIGUOUS_TRANSPORT, is_total_row, match_stage

IntervalOf = Callable[[Quantity], Interval]
RelationKind = Literal["product", "quotient", "sum", "row-sum"]

QUANTITY_ROLES = ("activity", "per_unit", "annual", "mass", "tkm", "fuel")
SCALES = [Decimal(1), Decimal("0.001"), Decimal(1000), Decimal("0.0001"), Decimal(10000), Decimal("0.01"),
          Decimal(100), Decimal(10), Decimal("0.1")]
_MASS_T = {"t": Decimal(1), "kg": Decimal("0.001"), "g": Decimal("0.000001")}
# emissions = <quantity> x factor, by the quantity column's role
EMISSIONS_OF = {"activity": "relation.emissions-activity-factor", "per_unit": "relation.emissions-per-unit-factor",
                "annual": "relation.emissions-annual-factor", "mass": "relation.emissions-mass-factor",
                "tkm": "relation.emissions-tkm-factor", "fuel": "relation.emissions-fuel-factor"}


def printed_interval(q: Quantity) -> Interval:
    return Interval.printed(q.value, q.decimals)


@dataclass
class RowCheck:
    """One row against one relation."""
    row: int                       # index into table.rows
    stated: Quantity               # the printed result
    expected: Interval             # what the operands give
    operands: list[Quantity]
    scale: Decimal
    agrees: bool
    col: int | None = None         # the column checked (row-wise relations: the target column)


def _cols(t: DataTable, role: str) -> list[int]:
    return [c.index for c in t.columns if c.role == role]


def _value(row: TableRow, col: int) -> Quantity | None:
    return row.cells[col] if col < len(row.cells) else None


def _lines(t: DataTable) -> list[int]:
    return [i for i, r in enumerate(t.rows) if r.kind == "line"]


def _factor_scale(t: DataTable, target: int, qcol: int, fcol: int) -> Decimal | None:
    """The conversion the header units imply for emissions = quantity x factor (None: the units say nothing)."""
    cols = {c.index: c for c in t.columns}
    fu = factor_unit(cols[fcol].unit_text or "") if cols[fcol].unit_text else None
    etext = cols[target].unit_text
    eu = emission_unit(etext.split("/")[0]) if etext else None
    qu = cols[qcol].unit
    if fu is None or eu is None or qu is None:
        return None
    try:
        ok, _, scale = check_product(fu, qu, eu)
    except KeyError:        # a unit neither the unit table nor pint's names know
        return None
    if not ok or scale is None:
        return None
    return Decimal(str(scale)).normalize()


def _prefix(unit: str | None) -> Decimal:
    """A column in 万t·km, 万kWh (unit '10^4 ...'): its numbers are in tens of thousands."""
    return Decimal(10000) if unit and unit.startswith(TEN4) else Decimal(1)


def _tkm_scale(t: DataTable, target: int, mcol: int, dcol: int) -> Decimal | None:
    cols = {c.index: c for c in t.columns}
    m = _MASS_T.get(cols[mcol].unit or "")
    d = {"km": Decimal(1), "m": Decimal("0.001")}.get(cols[dcol].unit or "")
    if m is None or d is None:
        return None
    return m * d / _prefix(cols[target].unit)


def _product(ivs: list[Interval]) -> Interval:
    out = ivs[0]
    for iv in ivs[1:]:
        out = out * iv
    return out


def check_rows(t: DataTable, rel: TableRelation, interval: IntervalOf = printed_interval,
               scale: Decimal | None = None) -> list[RowCheck]:
    """Every row with all the relation's numbers printed, against the relation (at `scale`, default its own)."""
    k = Decimal(rel.scale) if scale is None else scale
    by_row = rel.unit_scale == BY_ROW and scale is None
    out: list[RowCheck] = []
    if rel.kind == "sum" and not rel.operands:
        return _check_sums(t, rel, interval)
    if rel.kind == "row-sum":
        return _check_row_sum(t, rel, interval)
    for i in _lines(t):
        row = t.rows[i]
        target = _value(row, rel.target)
        ops = [_value(row, c) for c in rel.operands]
        if target is None or any(o is None for o in ops):
            continue
        operands = [o for o in ops if o is not None]
        if rel.kind == "sum":
            expected = Interval.exact(Decimal(0))
            for o in operands:
                expected = expected + interval(o)
        elif rel.kind == "product":
            rk = (_row_scale(t, rel.target, rel.operands, row) or k) if by_row else k
            expected = _product([interval(o) for o in operands]).scale(rk)
        else:
            expected = (interval(operands[0]) / interval(operands[1])).scale(k)
        if not expected.bounded:
            continue
        out.append(RowCheck(i, target, expected, operands, k, expected.overlaps(interval(target)), rel.target))
    return out


BY_ROW = "by row"


def _row_scale(t: DataTable, target: int, operands: list[int], row: TableRow) -> Decimal | None:
    """The conversion one row's own units imply for emissions = quantity x factor (a unit column per row: 万kWh
    beside kgCO2e/kWh, t beside kgCO2/kg), None when they imply none."""
    if len(operands) != 2 or t.columns[operands[1]].role != "factor":
        return None
    q, f = _value(row, operands[0]), _value(row, operands[1])
    if q is None or f is None or not q.unit or not f.unit:
        return None
    fu = factor_unit(f.unit)
    etext = t.columns[target].unit_text or t.columns[target].unit
    eu = emission_unit(etext.split("/")[0]) if etext else None
    if fu is None or eu is None:
        return None
    eu = EmissionUnit(eu.mass, fu.emission.series)   # CO2 vs CO2e is the consistency rules' concern, not the mass's
    try:
        ok, _, scale = check_product(fu, q.unit, eu)
    except KeyError:
        return None
    return Decimal(str(scale)).normalize() if ok and scale is not None else None


def _check_row_sum(t: DataTable, rel: TableRelation, interval: IntervalOf) -> list[RowCheck]:
    """An indicator row that is the sum of others (GWP-total = fossil + biogenic + luluc), column by column."""
    out: list[RowCheck] = []
    target = t.rows[rel.target]
    for c in range(len(target.cells)):
        stated = _value(target, c)
        parts = [_value(t.rows[r], c) for r in rel.operands]
        if stated is None or any(p is None for p in parts):
            continue
        expected = Interval.exact(Decimal(0))
        for p in parts:
            if p is not None:
                expected = expected + interval(p)
        out.append(RowCheck(rel.target, stated, expected, [p for p in parts if p is not None], Decimal(1),
                            expected.overlaps(interval(stated)), c))
    return out


GWP_PART = regex.compile(r"gwp[\s\-_]*(?P<part>total|fossil|biogenic|luluc)", regex.I)


def _matrix_relations(t: DataTable, interval: IntervalOf) -> list[TableRelation]:
    """A results matrix: module columns that add up to its Total column, and GWP-total = fossil + biogenic +
    luluc."""
    out: list[TableRelation] = []
    total_cols = [c.index for c in t.columns if c.header and is_total_row(c.header.split("(")[0])]
    modules = [c.index for c in t.columns if c.index not in total_cols and c.header
               and match_stage(c.header)[0] not in (None, AMBIGUOUS_TRANSPORT)]
    if total_cols and len(modules) >= 2:
        rel = TableRelation(relation=T("relation.total-modules"), kind="sum", target=total_cols[0],
                            operands=modules)
        checks = check_rows(t, rel, interval)
        if checks:
            rel.rows, rel.agree = len(checks), sum(c.agrees for c in checks)
            out.append(rel)
    parts = {}
    for i, r in enumerate(t.rows):
        m = GWP_PART.search(r.label or "")
        if m and m.group("part").lower() not in parts:
            parts[m.group("part").lower()] = i
    if "total" in parts and len(parts) >= 3:
        rel = TableRelation(relation=T("relation.gwp-total", parts=J([f"GWP-{p}" for p in parts if p != "total"],
                                                                      "plus")),
                            kind="row-sum", target=parts["total"],
                            operands=[i for p, i in parts.items() if p != "total"])
        checks = _check_row_sum(t, rel, interval)
        if checks:
            rel.rows, rel.agree = len(checks), sum(c.agrees for c in checks)
            out.append(rel)
    return out


def _check_sums(t: DataTable, rel: TableRelation, interval: IntervalOf) -> list[RowCheck]:
    """Each subtotal row against the lines since the previous subtotal; a total row against the subtotals when
    there are any, else against every line."""
    out: list[RowCheck] = []
    seg: list[Quantity] = []
    subs: list[Quantity] = []
    for i, row in enumerate(t.rows):
        q = _value(row, rel.target)
        if row.kind == "line":
            if q is not None:
                seg.append(q)
            continue
        parts = seg if row.kind == "subtotal" or not subs else subs
        if q is not None and parts:
            expected = Interval.exact(Decimal(0))
            for p in parts:
                expected = expected + interval(p)
            out.append(RowCheck(i, q, expected, list(parts), Decimal(1), expected.overlaps(interval(q))))
        if row.kind == "subtotal" and q is not None:
            subs.append(q)
        seg = []
    return out


def _candidates(t: DataTable) -> list[tuple[Msg, RelationKind, int, list[int], Decimal | None]]:
    """(words, kind, target, operands, unit-implied scale) for every relation the roles allow."""
    out: list[tuple[Msg, RelationKind, int, list[int], Decimal | None]] = []
    factors = _cols(t, "factor")
    for e in _cols(t, "emissions"):
        for f in factors:
            for role in QUANTITY_ROLES:
                for q in _cols(t, role):
                    out.append((T(EMISSIONS_OF[role]), "product", e, [q, f], _factor_scale(t, e, q, f)))
            if not _cols(t, "tkm"):
                for m in _cols(t, "mass"):
                    for d in _cols(t, "distance"):
                        out.append((T("relation.emissions-mass-distance-factor"), "product", e, [m, d, f], None))
    for k in _cols(t, "tkm"):
        for m in _cols(t, "mass"):
            for d in _cols(t, "distance"):
                out.append((T("relation.tkm-mass-distance"), "product", k, [m, d], _tkm_scale(t, k, m, d)))
    for f in _cols(t, "fuel"):
        for n in _cols(t, "trips"):
            for q in _cols(t, "per_trip"):
                out.append((T("relation.fuel-trips"), "product", f, [n, q], Decimal(1)))
    for p in _cols(t, "per_unit"):
        for a in _cols(t, "annual"):
            for o in _cols(t, "output"):
                out.append((T("relation.per-unit-annual-output"), "quotient", p, [a, o],
                            _prefix(t.columns[a].unit)))
    return out


def discover(t: DataTable, interval: IntervalOf = printed_interval) -> list[TableRelation]:
    """The relations the rows confirm: for each candidate, the conversion the units imply (or, when they imply
    none or the rows contradict it, the one most rows agree with); kept when most rows agree. Per result column
    the best-confirmed candidate wins. Sums into subtotal and total rows are what those rows promise: kept for
    every numeric column that has them."""
    best: dict[int, TableRelation] = {}
    for words, kind, target, operands, unit_scale in _candidates(t):
        if kind == "product" and unit_scale is None:
            rows_with = [_row_scale(t, target, operands, t.rows[i]) for i in _lines(t)]
            known = [s for s in rows_with if s is not None]
            if known and len(set(known)) > 1:       # the rows' own units differ: each row at its own conversion
                probe = TableRelation(relation=words, kind=kind, target=target, operands=operands,
                                      unit_scale=BY_ROW, scale=_show(max(set(known), key=known.count)))
                checks = check_rows(t, probe, interval)
                agree = sum(c.agrees for c in checks)
                if checks and agree * 2 >= len(checks) and agree >= 1:
                    probe.rows, probe.agree = len(checks), agree
                    old = best.get(target)
                    if old is None or (probe.agree, -len(probe.operands)) > (old.agree, -len(old.operands)):
                        best[target] = probe
                continue
        probe = TableRelation(relation=words, kind=kind, target=target, operands=operands)
        tried: list[tuple[int, int, Decimal]] = []
        scales = ([unit_scale] if unit_scale is not None else []) + [s for s in SCALES if s != unit_scale]
        for k in scales:
            checks = check_rows(t, probe, interval, k)
            tried.append((sum(c.agrees for c in checks), len(checks), k))
        agree, rows, k = max(tried, key=lambda x: (x[0], x[2] == unit_scale))
        if unit_scale is not None:
            at_unit = next(x for x in tried if x[2] == unit_scale)
            if at_unit[0] * 2 >= at_unit[1] and at_unit[0] >= 1:   # the units' conversion holds for most rows
                agree, rows, k = at_unit
        if rows == 0 or agree == 0:
            continue
        confirmed = agree >= 2 and agree * 5 >= rows * 3 or (unit_scale == k and agree * 2 >= rows)
        if not confirmed:
            continue
        rel = TableRelation(relation=words, kind=kind, target=target, operands=operands,
                            scale=_show(k), unit_scale=_show(unit_scale) if unit_scale is not None else None,
                            rows=rows, agree=agree)
        old = best.get(target)
        if old is None or (rel.agree, -len(rel.operands)) > (old.agree, -len(old.operands)):
            best[target] = rel
    out = list(best.values()) + _matrix_relations(t, interval)
    totals = [r for r in t.rows if r.kind in ("subtotal", "total")]
    if totals:
        for c in t.columns:
            if c.role not in ("emissions", "percent", "tkm", "mass") or not any(_value(r, c.index) for r in totals):
                continue
            rel = TableRelation(relation=T("relation.subtotal-rows" if totals[0].kind == "subtotal"
                                           else "relation.total-rows", column=c.header or c.role),
                                kind="sum", target=c.index)
            checks = _check_sums(t, rel, interval)
            if checks:
                rel.rows, rel.agree = len(checks), sum(x.agrees for x in checks)
                out.append(rel)
    return out


def covered_by(t: DataTable, rel: TableRelation) -> str | None:
    """The inventory rule that already checks a relation of a table read into the inventory: its line products
    (ARI001) and its stage sums (ARI002)."""
    if t.read_as != "inventory" or rel.target >= len(t.columns) or t.columns[rel.target].role != "emissions":
        return None
    if rel.kind == "product" and len(rel.operands) == 2:
        return "ARI001"
    if rel.kind == "sum" and not rel.operands:
        return "ARI002"
    return None


def _show(k: Decimal) -> str:
    return format(k.normalize(), "f")


def numbers_checked(t: DataTable) -> int:
    """Numeric cells that took part in a relation (its result and operands, on rows with all of them)."""
    used: set[tuple[int, int]] = set()
    for rel in t.relations:
        for chk in check_rows(t, rel):
            if rel.kind == "row-sum":
                used.add((chk.row, chk.col or 0))
                used.update((r, chk.col or 0) for r in rel.operands)
                continue
            used.add((chk.row, rel.target))
            if rel.kind != "sum" or rel.operands:
                used.update((chk.row, c) for c in rel.operands)
        if rel.kind == "sum" and not rel.operands:
            for i, r in enumerate(t.rows):
                if r.kind == "line" and _value(r, rel.target) is not None:
                    used.add((i, rel.target))
    return len(used)


def quantity_unit(role: str | None, unit_text: str | None) -> str | None:
    """A column's normalised unit from its header unit and role."""
    if not unit_text or role is None:
        return None
    text = unit_text.replace("万", "") if role in ("emissions", "factor", "percent") else unit_text
    if role == "emissions":
        eu = emission_unit(text.split("/")[0])
        return eu.text if eu else None
    if role == "factor":
        fu = factor_unit(text)
        return fu.text if fu else None
    if role == "percent":
        return "%"
    if unit_text.strip().startswith("万"):       # 万kWh, 万m³, 万t·km: tens of thousands of the unit
        au = activity_unit(unit_text.strip()[1:])
        return TEN4 + au[0] if au else None
    au = activity_unit(text)
    return au[0] if au else None

