"""Allocation and the data period: the declared allocation method, the co-products' factors, the output the
allocation divides by, a data period of twelve months."""
from __future__ import annotations

from decimal import Decimal

from auditor.engine.base import Context, Rule
from auditor.i18n import J, Msg, T
from auditor.model import Quantity, Report

UNIT_WORDS = {"台": "台", "件": "件", "套": "套", "吨": "t", "t": "t", "kg": "kg", "千克": "kg", "unit": "unit",
              "units": "unit", "piece": "unit", "pieces": "unit", "pcs": "unit"}


def table_outputs(report: Report) -> list[tuple[Quantity, Msg]]:
    """The outputs the tables divide by: cells of a 年产量 / annual output column in a table that also prints a
    per-unit share (单位产品消耗量 = 年消耗量 / 年产量), with the table's name."""
    from auditor.engine.facts import table_name

    out: list[tuple[Quantity, Msg]] = []
    for t in report.tables:
        roles = {c.role for c in t.columns}
        if "output" not in roles or not roles & {"per_unit", "annual"}:
            continue
        col = next(c.index for c in t.columns if c.role == "output")
        for row in t.rows:
            cell = row.cells[col] if row.kind == "line" and col < len(row.cells) else None
            if cell is not None:
                out.append((cell, T("place.table-row", table=table_name(t), row=row.label)))
    return out


def looks_like_a_report(report: Report) -> bool:
    """Something to ask a data period or a statement of: an inventory, results, a product, a standard or a
    functional unit (a census or an invoice has none of them)."""
    m = report.metadata
    return report.inventory is not None or report.results is not None or m.product is not None or \
        bool(m.standard) or bool(m.functional_unit)


def _unit(q: Quantity) -> str | None:
    u = (q.unit or "").strip().lower()
    return UNIT_WORDS.get(u, u or None)


class AllocationUndeclared(Rule):
    """A report that allocates (co-product allocation factors, an output the allocation divides by) declares
    the allocation method it uses.

    Why: ISO 14067:2018 / GB/T 24067-2024 6.4.6 asks that allocation be avoided where possible and, where it is
    not, that the procedure be stated and justified; factors without a method cannot be checked. A list of the
    possible methods (避免分配、扩大系统边界、物理因果关系、经济价值) is not a declaration: only the sentence that says
    what this study does counts.

    Fails:
        产品A 分配系数 62.5%，产品B 37.5%        (no sentence says which method this study uses)
    Passes:
        本评价根据实际情况采用以产品产量等物理因果关系为基准来进行分配 ; 产品A 分配系数 62.5%，产品B 37.5%
    """

    code = "CON009"
    name = "allocation-undeclared"
    severity = "warning"
    checklist = "allocation"

    def check(self, report: Report, ctx: Context):
        a = report.allocation
        tables = table_outputs(report)
        if a.method is None and (a.factors or a.output is not None or tables):
            ev = a.factors_text or a.output_text
            how = T("CON009.by-factors") if a.factors else T("CON009.by-output") if a.output is not None else \
                T("CON009.by-table", table=tables[0][1], output=tables[0][0].text)
            yield self.finding(
                T("CON009.undeclared", how=how),
                evidence=[ev.text] if ev else [str(tables[0][1])] if tables else [],
                location=ev.location if ev else tables[0][0].location if tables else None)
        if a.method == "economic" and a.output is not None and not a.factors:
            yield self.finding(
                T("CON009.economic-by-output"),
                evidence=[t.text for t in (a.method_text, a.output_text) if t], severity="info",
                location=a.method_text.location if a.method_text else None)


class AllocationFactorSum(Rule):
    """The co-products' allocation factors add up to 100 % (or 1) within the rounding of the printed numbers.

    Why: ISO 14067:2018 / GB/T 24067-2024 6.4.6: the inputs and outputs allocated to the co-products sum to
    those of the unit process before allocation; factors summing to more or less than the whole create or lose
    emissions.

    Fails:
        产品A 分配系数 62.5%，产品B 40.5%
    Passes:
        产品A 分配系数 62.5%，产品B 37.5%
    """

    code = "CON010"
    name = "allocation-factor-sum"
    severity = "error"
    checklist = "allocation"

    def check(self, report: Report, ctx: Context):
        a = report.allocation
        if len(a.factors) < 2:
            return
        pct = any(f.value.unit == "%" or f.value.text.endswith("%") for f in a.factors)
        whole = Decimal(100) if pct or any(f.value.value > 1 for f in a.factors) else Decimal(1)
        total = sum((f.value.value for f in a.factors), Decimal(0))
        slack = sum((Decimal(5) * Decimal(10) ** (-(f.value.decimals + 1)) for f in a.factors), Decimal(0))
        if abs(total - whole) <= slack:
            return
        shown = "%" if whole == 100 else ""
        yield self.finding(
            T("CON010.sum", factors=J([f"{f.product} {f.value.text}" for f in a.factors], "comma"),
              total=f"{total}{shown}", whole=f"{whole}{shown}"),
            values=[f.value.text for f in a.factors], expected=f"{whole}{shown}",
            evidence=[a.factors_text.text] if a.factors_text else [],
            location=a.factors_text.location if a.factors_text else None)


class AllocationOutputMismatch(Rule):
    """The output the allocation divides by is the annual output the report states elsewhere, in the same unit.

    Why: ISO 14067:2018 / GB/T 24067-2024 6.4.6: a unit process allocated by output divides the year's
    consumption by the year's output (单位产品消耗量 = 年消耗量 / 年产量); a different output in the allocation
    than in the product description misstates every allocated line.

    The allocation sentence and every table that divides annual consumption by an annual output (a 年产量 column
    beside a per-unit share) are compared.

    Fails:
        2025 年全年共计产量 7500 台 ; 按年产量 8000 台分配
        年产量 19,200 t ; 表4-3 | 外购电力 | 2,418,600 kWh | 年产量 (t) 18,200 | 单位产品消耗量 132.89
    Passes:
        2025 年全年共计产量 7500 台 ; 按年产量 7500 台分配
    """

    code = "CON011"
    name = "allocation-output-mismatch"
    severity = "error"
    checklist = "allocation"

    def check(self, report: Report, ctx: Context):
        yield from self._tables(report)
        a, stated = report.allocation.output, report.metadata.annual_output
        if a is None or stated is None or a.location is not None and a.location == stated.location:
            return
        ua, us = _unit(a), _unit(stated)
        if ua and us and ua != us:
            yield self.finding(T("CON011.other-unit", output=f"{a.text} {a.unit_text or a.unit}",
                                 stated=f"{stated.text} {stated.unit_text or stated.unit}"),
                               values=[a.text], expected=stated.text, location=a.location,
                               evidence=[report.allocation.output_text.text] if report.allocation.output_text else [])
            return
        if a.value != stated.value:
            yield self.finding(T("CON011.other-output", output=a.text, stated=stated.text),
                               values=[a.text], expected=stated.text, location=a.location,
                               evidence=[report.allocation.output_text.text] if report.allocation.output_text else [])

    def _tables(self, report: Report):
        stated = report.metadata.annual_output
        if stated is None:
            return
        seen = set()
        for q, where in table_outputs(report):
            if q.value == stated.value or q.location is not None and q.location == stated.location or \
                    (q.text, where) in seen:
                continue
            seen.add((q.text, where))
            yield self.finding(T("CON011.table-output", where=where, output=q.text,
                                 stated=f"{stated.text} {stated.unit_text or stated.unit or ''}".rstrip()),
                               values=[q.text], expected=stated.text, evidence=[str(where)], location=q.location)


def _months(start, end) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


class DataPeriodIncomplete(Rule):
    """The data period is stated and covers twelve months (e.g. 2025-01-01 to 2025-12-31, or a whole year).

    Why: ISO 14067:2018 / GB/T 24067-2024 asks for the time period the data represent; a footprint drawn from
    part of a year misses seasonal production and consumption, and without a period the data cannot be dated at
    all. (That the period ends before the report is issued is CON003.)

    Fails:
        数据统计周期 2025-01-01 至 2025-06-30
    Passes:
        数据统计周期 2025-01-01 至 2025-12-31
    """

    code = "CON012"
    name = "data-period-incomplete"
    severity = "warning"
    checklist = "data-period"

    def check(self, report: Report, ctx: Context):
        m = report.metadata
        if m.data_period is None and m.data_period_start is None:
            if looks_like_a_report(report):   # a census or an invoice (EXT001) has no data period to ask for
                yield self.finding(T("CON012.no-period"))
            return
        s, e = m.data_period_start, m.data_period_end
        if s is None or e is None or s > e:
            return
        n = _months(s, e)
        if n >= 12 and (e - s).days >= 360:
            return
        yield self.finding(
            T("CON012.short", start=str(s), end=str(e), n=n, first=f"{s:%Y-%m}", last=f"{e:%Y-%m}"),
            values=[str(s), str(e)],
            evidence=[m.data_period.text] if m.data_period else [],
            location=m.data_period.location if m.data_period else None)
