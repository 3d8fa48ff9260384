"""Table relations: the arithmetic a table's own columns promise, checked on every row (auditor.relations)."""
from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from auditor.engine.base import Context, Rule
from auditor.engine.diagnose import cause_for
from auditor.engine.facts import table_name, table_relations
from auditor.model import DataTable, Detail, Finding, Report, TableColumn, TableRelation
from auditor.numbers import fmt, fold
from auditor.relations import RowCheck, check_rows


def _breaks(report: Report, ctx: Context, kinds: tuple[str, ...]) -> Iterator[tuple[DataTable, TableRelation,
                                                                                      RowCheck]]:
    for t in report.tables:
        for rel in table_relations(t, ctx):
            if rel.kind not in kinds or rel.covered_by:
                continue
            for chk in check_rows(t, rel, ctx.interval):
                if not chk.agrees:
                    yield t, rel, chk


def _likely(rel: TableRelation, chk: RowCheck) -> str | None:
    stated, expected = chk.stated, chk.expected.mid
    cause = cause_for(stated.text, stated.value, expected, stated.decimals)
    if cause:
        return cause
    if "t·km" in rel.relation and "mass" in rel.relation:
        return "the tonne-kilometres are not mass x distance: check the leg's mass, distance and units"
    if "annual / output" in rel.relation:
        return "the per-unit figure is not the annual one over the output: allocated by another output?"
    return None


def column_unit(col: TableColumn, unit: str | None) -> str | None:
    """The unit of a column's values, with the per-unit part its header prints ('单位产品碳排放 (kgCO2e/t)' holds
    kgCO2e per t, not kgCO2e)."""
    unit = unit or col.unit
    text = fold(col.unit_text or col.header or "")
    if unit and "/" not in unit and "/" in text:
        per = text.rsplit("/", 1)[1].strip(" )）]").split()[0] if text.rsplit("/", 1)[1].strip(" )）]") else ""
        if per and len(per) <= 4:
            return f"{unit}/{per}"
    return unit


class TableRowRelation(Rule):
    """Every row of a numeric table obeys the arithmetic its columns promise and its other rows confirm
    (emissions = quantity x factor, t·km = mass x distance, per-unit = annual / output).

    The conversion between the units is the one the printed units imply or, where they imply none, the one the
    other rows agree on.

    Why: bills of materials, transport legs and energy tables allocated by output carry most of a report's
    numbers; a slip in one row (a digit, t·km that is not mass x distance, allocation by the wrong output)
    changes the stage it feeds. Rows the inventory rules already check (ARI001) are not checked twice.

    Fails:
        物料 | 重量 (t) | 运输距离 (km) | 周转量 (t·km): 钢板 | 0.0382 | 420 | 61.04   (0.0382 x 420 = 16.04)
    Passes:
        钢板 | 0.0382 | 420 | 16.04
    """

    code = "ARI006"
    name = "table-row-relation"
    severity = "error"

    def check(self, report: Report, ctx: Context) -> Iterator[Finding]:
        for t, rel, chk in _breaks(report, ctx, ("product", "quotient")):
            row = t.rows[chk.row]
            cols = [t.columns[c].header or f"column {c + 1}" for c in rel.operands]
            target = t.columns[rel.target].header or f"column {rel.target + 1}"
            op = " / " if rel.kind == "quotient" else " x "
            shown = op.join(q.text for q in chk.operands)
            scale = Decimal(rel.scale)
            conv = f" x {rel.scale}" if scale != 1 else ""
            exp = fmt(chk.expected.mid, chk.stated.decimals)
            yield self.finding(
                f"{table_name(t)}, row '{row.label}': {shown}{conv} = {exp}, but {chk.stated.text} is printed in "
                f"'{target}' ({rel.relation}, which the table's other rows confirm: {rel.agree} of {rel.rows})",
                values=[chk.stated.text, *[q.text for q in chk.operands]], expected=exp,
                evidence=[table_name(t), row.label, rel.relation], location=chk.stated.location or row.location,
                stage=t.stage.canonical if t.stage else None, cause=_likely(rel, chk),
                detail=Detail(stated=chk.stated.text, computed=exp, unit=column_unit(t.columns[rel.target], chk.stated.unit),
                              stated_interval=ctx.interval(chk.stated).pair(chk.stated.decimals + 4),
                              computed_interval=chk.expected.pair(chk.stated.decimals + 4),
                              tolerance=ctx.tolerance_text(),
                              steps=[f"{' x '.join(cols) if rel.kind == 'product' else ' / '.join(cols)}"
                                     f"{conv} -> {chk.expected.show(chk.stated.decimals + 2)}",
                                     f"printed {chk.stated.text} -> "
                                     f"{ctx.interval(chk.stated).show(chk.stated.decimals + 2)}"]))


def _crossings(breaks: list[tuple[DataTable, TableRelation, RowCheck]], ctx: Context):
    """A results matrix where a module row does not add up to its Total and a module column does not add up to
    its GWP-total: the cell where the two meet is the one printed wrong when one value repairs both. Yields
    (finding arguments, indexes of the breaks it explains)."""
    rows = [(n, b) for n, b in enumerate(breaks) if b[1].kind == "sum" and b[1].operands]
    cols = [(n, b) for n, b in enumerate(breaks) if b[1].kind == "row-sum"]
    for n1, (t, rrel, rchk) in rows:
        for n2, (t2, crel, cchk) in cols:
            if t2 is not t or cchk.col not in rrel.operands or rchk.row not in crel.operands:
                continue
            cell = t.rows[rchk.row].cells[cchk.col] if cchk.col is not None else None
            if cell is None:
                continue
            # the value the row sum asks for, and the one the column sum asks for
            others_r = [q for q in rchk.operands if q is not cell]
            by_row = ctx.interval(rchk.stated)
            for q in others_r:
                by_row = by_row - ctx.interval(q)
            by_col = ctx.interval(cchk.stated)
            for r in crel.operands:
                part = t.rows[r].cells[cchk.col]
                if part is not None and part is not cell:
                    by_col = by_col - ctx.interval(part)
            if not by_row.overlaps(by_col):
                continue
            exp = fmt((max(by_row.lo, by_col.lo) + min(by_row.hi, by_col.hi)) / 2, cell.decimals)
            col = t.columns[cchk.col].header
            label = t.rows[rchk.row].label
            yield {"message": f"{table_name(t)}: {label} in column '{col}' is printed as {cell.text}, which breaks both "
                              f"the row ({rrel.relation}) and the column ({crel.relation}); about {exp} would make "
                              f"both hold",
                   "values": [cell.text], "expected": exp, "evidence": [table_name(t), label, col],
                   "location": cell.location, "cause": cause_for(cell.text, cell.value, Decimal(exp), cell.decimals),
                   "detail": Detail(stated=cell.text, computed=exp, unit=column_unit(t.columns[cchk.col], cell.unit),
                                    tolerance=ctx.tolerance_text(),
                                    steps=[f"the row asks for {by_row.show(cell.decimals + 2)}",
                                           f"the column asks for {by_col.show(cell.decimals + 2)}"])}, {n1, n2}


class TableSum(Rule):
    """A 小计 / 合计 / Subtotal / Total row of a table equals the sum of the rows it closes (a total row after
    subtotals: the sum of the subtotals), in every numeric column that has it.

    Why: a sub-table's subtotal is the stage value the results table quotes; when it is not the sum of its own
    rows one of them is wrong. Sums the inventory rules already check (ARI002) are not checked twice.

    Fails:
        运输 legs 1.57, 2.35 | 合计 4.92   (1.57 + 2.35 = 3.92)
    Passes:
        1.57, 2.35 | 合计 3.92
    """

    code = "ARI007"
    name = "table-sum-mismatch"
    severity = "error"

    def check(self, report: Report, ctx: Context) -> Iterator[Finding]:
        breaks = list(_breaks(report, ctx, ("sum", "row-sum")))
        blamed = set()
        for f, used in _crossings(breaks, ctx):
            blamed.update(used)
            yield self.finding(**f)
        for n, (t, rel, chk) in enumerate(breaks):
            if n in blamed:
                continue
            row = t.rows[chk.row]
            exp = fmt(chk.expected.mid, chk.stated.decimals)
            c = chk.col if chk.col is not None else rel.target
            col = t.columns[c].header or f"column {c + 1}" if c < len(t.columns) else f"column {c + 1}"
            if rel.kind == "row-sum":
                what = f"in column '{col}', {rel.relation.split(' = ', 1)[1]} = {exp} ({rel.relation}), but " \
                       f"{row.label} is printed as"
            elif rel.operands:
                what = f"row '{row.label}': the modules add up to {exp} ({rel.relation}), but '{col}' is printed as"
            else:
                what = f"the rows above '{row.label}' add up to {exp} in '{col}', but the row is printed as"
            yield self.finding(
                f"{table_name(t)}: {what} {chk.stated.text}", values=[chk.stated.text], expected=exp,
                evidence=[table_name(t), row.label],
                location=chk.stated.location or row.location, stage=t.stage.canonical if t.stage else None,
                cause=cause_for(chk.stated.text, chk.stated.value, chk.expected.mid, chk.stated.decimals),
                detail=Detail(stated=chk.stated.text, computed=exp, tolerance=ctx.tolerance_text(),
                              unit=column_unit(t.columns[c], chk.stated.unit) if c < len(t.columns) else
                              chk.stated.unit,
                              steps=[" + ".join(q.text for q in chk.operands) + f" = "
                                     f"{chk.expected.show(chk.stated.decimals + 2)}"]))


class TableUnitContradiction(Rule):
    """A column's printed unit is what its numbers imply: when a table's rows agree with emissions = quantity x
    factor (or t·km = mass x distance) only at a conversion other than the one the printed units give, one
    column's unit is wrong.

    Why: a factor in kgCO2e/t printed under kgCO2e/kg, emissions in tCO2e under a kgCO2e header, distances in m
    under km: every row multiplies out, so no single row looks wrong, but the stage total is a thousand times off
    what its units say.

    Fails:
        用量 (kg) | 排放因子 (kgCO2e/kg) | 碳排放量 (kgCO2e): 27.03 | 2.60 | 0.0703   (the rows agree only at x0.001)
    Passes:
        27.03 | 2.60 | 70.28
    """

    code = "ARI009"
    name = "table-unit-contradiction"
    severity = "error"

    def check(self, report: Report, ctx: Context) -> Iterator[Finding]:
        for t in report.tables:
            for rel in table_relations(t, ctx):
                if rel.kind != "product" or rel.unit_scale in (None, "by row") or rel.rows < 2:
                    continue
                k, unit_k = Decimal(rel.scale), Decimal(rel.unit_scale or "1")
                if k == unit_k or unit_k == 0:
                    continue
                ratio = k / unit_k
                target = t.columns[rel.target]
                ops = [t.columns[c] for c in rel.operands]
                units = ", ".join(f"'{c.header}'" for c in [*ops, target])
                yield self.finding(
                    f"{table_name(t)}: the rows agree with {rel.relation} only at x{_show(ratio)} of what the printed "
                    f"units ({units}) give ({rel.agree} of {rel.rows} rows); one column's unit is not what its "
                    f"numbers are in", values=[q.text for q in [t.rows[i].cells[rel.target] for i in range(len(t.rows))
                                                                 if t.rows[i].kind == "line"][:1] if q is not None],
                    expected=None, evidence=[table_name(t), target.header, *[c.header for c in ops]],
                    location=t.location, stage=t.stage.canonical if t.stage else None,
                    cause=f"a unit {'a thousand' if ratio in (1000, Decimal('0.001')) else _show(ratio)} times off: "
                          f"kg for t, kgCO2e for tCO2e, or a per-t factor under a per-kg label",
                    detail=Detail(steps=[f"the units give x{rel.unit_scale}", f"the rows agree at x{rel.scale}"]))


def _show(k: Decimal) -> str:
    return format(k.normalize(), "f")
