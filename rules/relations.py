"""Table relations: the arithmetic a table's own columns promise, checked on every row (auditor.relations)."""
from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from auditor.engine.base import Context, Rule
from auditor.engine.diagnose import cause_for
from auditor.engine.facts import table_name, table_relations
from auditor.i18n import J, Msg, T, recorded
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


def _likely(t: DataTable, rel: TableRelation, chk: RowCheck) -> Msg | None:
    stated, expected = chk.stated, chk.expected.mid
    cause = cause_for(stated.text, stated.value, expected, stated.decimals)
    if cause:
        return cause
    if rel.kind == "product" and t.columns[rel.target].role == "tkm":     # t·km = mass x distance
        return T("ARI006.tkm-not-mass-distance")
    if rel.kind == "quotient":                                            # per-unit = annual / output
        return T("ARI006.per-unit-not-annual")
    return None


def column_name(t: DataTable, c: int) -> str | Msg:
    """A column by its header, else by its place ('column 3')."""
    header = t.columns[c].header if c < len(t.columns) else None
    return header or T("table.column-n", number=c + 1)


def formula(items: list, kind: str, scale: str = "1") -> Msg:
    """a x b (x c), or a / b, times a unit conversion when there is one: the arithmetic a relation promises."""
    if kind == "quotient":
        f = T("formula.quotient", a=items[0], b=items[1])
    elif len(items) == 3:
        f = T("formula.product-3", a=items[0], b=items[1], c=items[2])
    else:
        f = T("formula.product-2", a=items[0], b=items[1])
    return T("formula.scaled", what=f, scale=scale) if Decimal(scale) != 1 else f


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
            cols = [column_name(t, c) for c in rel.operands]
            exp = fmt(chk.expected.mid, chk.stated.decimals)
            words = recorded(rel, "relation")
            yield self.finding(
                T("ARI006.mismatch", table=table_name(t), row=row.label,
                  formula=formula([q.text for q in chk.operands], rel.kind, rel.scale), expected=exp,
                  stated=chk.stated.text, column=column_name(t, rel.target), relation=words, agree=rel.agree,
                  rows=rel.rows),
                values=[chk.stated.text, *[q.text for q in chk.operands]], expected=exp,
                evidence=[table_name(t), row.label, words], location=chk.stated.location or row.location,
                stage=t.stage.canonical if t.stage else None, cause=_likely(t, rel, chk),
                detail=Detail(stated=chk.stated.text, computed=exp, unit=column_unit(t.columns[rel.target], chk.stated.unit),
                              stated_interval=ctx.interval(chk.stated).pair(chk.stated.decimals + 4),
                              computed_interval=chk.expected.pair(chk.stated.decimals + 4),
                              tolerance=ctx.tolerance_text(),
                              steps=[T("ARI006.step-columns", formula=formula(cols, rel.kind, rel.scale),
                                       interval=chk.expected.show(chk.stated.decimals + 2)),
                                     T("step.printed", printed=chk.stated.text,
                                       interval=ctx.interval(chk.stated).show(chk.stated.decimals + 2))]))


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
            col = column_name(t, cchk.col)
            label = t.rows[rchk.row].label
            yield {"message": T("ARI007.crossing", table=table_name(t), row=label, column=col, stated=cell.text,
                                row_relation=recorded(rrel, "relation"), column_relation=recorded(crel, "relation"),
                                expected=exp),
                   "values": [cell.text], "expected": exp, "evidence": [table_name(t), label, col],
                   "location": cell.location, "cause": cause_for(cell.text, cell.value, Decimal(exp), cell.decimals),
                   "detail": Detail(stated=cell.text, computed=exp, unit=column_unit(t.columns[cchk.col], cell.unit),
                                    tolerance=ctx.tolerance_text(),
                                    steps=[T("ARI007.step-row-asks", interval=by_row.show(cell.decimals + 2)),
                                           T("ARI007.step-column-asks", interval=by_col.show(cell.decimals + 2))])}, \
                {n1, n2}


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
            col = column_name(t, c)
            words = recorded(rel, "relation")
            if rel.kind == "row-sum":
                parts = words.params.get("parts") if isinstance(words, Msg) else None
                msg = T("ARI007.row-sum", table=table_name(t), column=col,
                        parts=parts if parts is not None else J([t.rows[r].label for r in rel.operands], "plus"),
                        expected=exp, relation=words, row=row.label, stated=chk.stated.text)
            elif rel.operands:
                msg = T("ARI007.modules", table=table_name(t), row=row.label, expected=exp, relation=words,
                        column=col, stated=chk.stated.text)
            else:
                msg = T("ARI007.rows-above", table=table_name(t), row=row.label, expected=exp, column=col,
                        stated=chk.stated.text)
            yield self.finding(
                msg, values=[chk.stated.text], expected=exp,
                evidence=[table_name(t), row.label],
                location=chk.stated.location or row.location, stage=t.stage.canonical if t.stage else None,
                cause=cause_for(chk.stated.text, chk.stated.value, chk.expected.mid, chk.stated.decimals),
                detail=Detail(stated=chk.stated.text, computed=exp, tolerance=ctx.tolerance_text(),
                              unit=column_unit(t.columns[c], chk.stated.unit) if c < len(t.columns) else
                              chk.stated.unit,
                              steps=[T("step.equals", what=J([q.text for q in chk.operands], "plus"),
                                       interval=chk.expected.show(chk.stated.decimals + 2))]))


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
                units = J([T("word.quoted", text=c.header or "") for c in [*ops, target]], "and")
                yield self.finding(
                    T("ARI009.unit-contradiction", table=table_name(t), relation=recorded(rel, "relation"),
                      ratio=_show(ratio), units=units, agree=rel.agree, rows=rel.rows),
                    values=[q.text for q in [t.rows[i].cells[rel.target] for i in range(len(t.rows))
                                             if t.rows[i].kind == "line"][:1] if q is not None],
                    expected=None, evidence=[table_name(t), target.header, *[c.header for c in ops]],
                    location=t.location, stage=t.stage.canonical if t.stage else None,
                    cause=T("ARI009.thousand-off") if ratio in (1000, Decimal("0.001"))
                    else T("ARI009.times-off", ratio=_show(ratio)),
                    detail=Detail(steps=[T("ARI009.step-units", scale=rel.unit_scale or "1"),
                                         T("ARI009.step-rows", scale=rel.scale)]))


def _show(k: Decimal) -> str:
    return format(k.normalize(), "f")
