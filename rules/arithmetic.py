"""Arithmetic: lines, stage sums, totals, and the same value quoted in several places."""
from __future__ import annotations

from decimal import Decimal

from auditor.diagnose import cause_for, factor_story
from auditor.engine import Context, Rule
from auditor.facts import TOTAL, Statement, line_interval, stage_name, statements
from auditor.model import Detail, Report
from auditor.numbers import Interval, fmt, sig, sum_intervals


def _tolerance(ctx: Context) -> str:
    t = ctx.config.tolerance
    s = f"each printed value stands for the interval that rounds to it ({t.rounding})"
    if t.abs_slack or t.rel_slack:
        s += f", plus slack {t.abs_slack} absolute / {t.rel_slack} relative"
    return s


class LineProduct(Rule):
    """A line's printed emissions equal its activity data times its emission factor.

    Why: the line is the root of every sum in the report; a line that does not multiply out means the factor,
    the activity or the result is misprinted, or the arithmetic used a factor other than the one shown.
    Values are compared as rounding intervals: 0.3600 x 3.0959 = 1.11452 agrees with a printed 1.1145.

    Fails:
        原材料运输 | 0.0726 | 柴油 kg | 0.3600 | 1.1146      (0.36 x 0.0726 = 0.0261, not 1.1146)
    Passes:
        原材料运输 | 3.0959 | 柴油 kg | 0.3600 | 1.1145
    """

    code = "ARI001"
    name = "line-product-mismatch"
    category = "arithmetic"
    severity = "error"

    def check(self, report: Report, ctx: Context):
        inv = report.inventory
        if inv is None:
            return
        for st in inv.stages:
            for line in st.lines:
                if line.emissions is None or line.activity is None or line.factor is None:
                    continue
                computed = line_interval(line, ctx.interval, inv.emissions_unit)
                stated = ctx.interval(line.emissions)
                if computed.overlaps(stated):
                    continue
                implied = stated / ctx.interval(line.activity)
                story, _ = factor_story(line.item, line.factor.text, line.factor.value, line.factor.decimals,
                                        implied, ctx.library, line.activity.unit)
                cause = story or cause_for(line.emissions.text, line.emissions.value, computed.mid,
                                           line.emissions.decimals)
                expected = fmt(computed.mid, line.emissions.decimals)
                yield self.finding(
                    f"{stage_name(st.stage.canonical or '', report)} / {line.item or 'line'}: "
                    f"{line.activity.text} x {line.factor.text} = {expected}, but {line.emissions.text} is printed",
                    values=[line.factor.text, line.activity.text, line.emissions.text], expected=expected,
                    evidence=[x for x in (st.stage.name, line.item) if x], location=line.emissions.location,
                    stage=st.stage.canonical, cause=cause,
                    detail=Detail(stated=line.emissions.text, computed=expected,
                                  stated_interval=stated.pair(8),
                                  computed_interval=computed.pair(8), tolerance=_tolerance(ctx),
                                  steps=[f"activity {line.activity.text} -> {ctx.interval(line.activity).show(8)}",
                                         f"factor {line.factor.text} -> {ctx.interval(line.factor).show(8)}",
                                         f"product -> {computed.show(6)}",
                                         f"printed {line.emissions.text} -> {stated.show(6)}: no overlap",
                                         f"implied factor = {line.emissions.text} / {line.activity.text} = "
                                         f"{sig(implied.mid, 5)}"]))


class StageSum(Rule):
    """A stage's printed emissions equal the sum of its lines (activity x factor, or the lines' own emissions).

    Why: stage values carry the report's conclusions; when they cannot be rebuilt from the inventory, either
    the inventory or the stage value is wrong. When one line's factor explains the gap, the finding names it.

    Fails:
        原材料获取 | 0.5777 电力 121.2911, 0.055539 天然气 m³ 5.4892 | 81.9386   (lines give 70.3757)
    Passes:
        原材料获取 | 0.5777 电力 121.2911, 2.1622 天然气 m³ 5.4892 | 81.9386
    """

    code = "ARI002"
    name = "stage-sum-mismatch"
    category = "arithmetic"
    severity = "error"

    def check(self, report: Report, ctx: Context):
        inv = report.inventory
        if inv is None:
            return
        for st in inv.stages:
            if st.emissions is None or st.emissions_from == "single-line" or not st.lines:
                continue
            own = [ln.emissions for ln in st.lines]
            if all(o is not None for o in own):
                parts = [ctx.interval(o) for o in own]
                how = "sum of the lines' printed emissions"
            else:
                parts = [line_interval(ln, ctx.interval, inv.emissions_unit) if ln.emissions is None
                         else ctx.interval(ln.emissions) for ln in st.lines]
                how = "sum of activity x factor over the lines"
                if any(p is None for p in parts):
                    missing = [ln.item or "?" for ln, p in zip(st.lines, parts) if p is None]
                    yield self.finding(
                        f"{st.stage.name}: cannot rebuild the stage value {st.emissions.text}: "
                        f"line(s) {', '.join(missing)} lack activity data or a factor",
                        values=[st.emissions.text], evidence=[st.stage.name], location=st.emissions.location,
                        stage=st.stage.canonical, severity="warning", category="extraction")
                    continue
            computed = sum_intervals(parts)
            stated = ctx.interval(st.emissions)
            if computed.overlaps(stated):
                continue
            expected = fmt(computed.mid, st.emissions.decimals)
            values = [st.emissions.text]
            cause, suspect = self._suspect(st, parts, stated, ctx)
            if suspect is not None:
                values += [suspect.factor.text, suspect.activity.text]
            else:
                values += [ln.factor.text for ln in st.lines if ln.factor]
            cause = cause or cause_for(st.emissions.text, st.emissions.value, computed.mid, st.emissions.decimals)
            steps = []
            for ln, p in zip(st.lines, parts):
                if ln.emissions is not None:
                    steps.append(f"{ln.item}: printed {ln.emissions.text}")
                else:
                    steps.append(f"{ln.item}: {ln.activity.text} x {ln.factor.text} = {p.show(6)}")
            steps.append(f"{how} = {computed.show(6)}; printed {st.emissions.text} -> {stated.show(6)}: no overlap")
            yield self.finding(
                f"{st.stage.name}: the lines add up to {expected}, but the stage is printed as {st.emissions.text}",
                values=values, expected=expected, evidence=[st.stage.name] + [ln.item for ln in st.lines if ln.item],
                location=st.emissions.location, stage=st.stage.canonical, cause=cause,
                detail=Detail(stated=st.emissions.text, computed=expected,
                              stated_interval=stated.pair(8),
                              computed_interval=computed.pair(8), tolerance=_tolerance(ctx),
                              steps=steps))

    def _suspect(self, st, parts, stated: Interval, ctx: Context):
        """The one line whose factor, replaced by the implied one, closes the gap and matches a reference."""
        best = None
        for i, ln in enumerate(st.lines):
            if ln.emissions is not None or ln.activity is None or ln.factor is None:
                continue
            others = sum_intervals(p for j, p in enumerate(parts) if j != i)
            implied = (stated - others) / ctx.interval(ln.activity)
            if implied.hi <= 0:
                continue
            story, ref = factor_story(ln.item, ln.factor.text, ln.factor.value, ln.factor.decimals, implied,
                                      ctx.library, ln.activity.unit)
            if ref is not None:
                return f"{ln.item}: {story}", ln
            if best is None:
                best = (f"if the other lines are right, {ln.item}'s factor would have to be "
                        f"{sig(implied.mid, 5)} instead of {ln.factor.text}", ln)
        if best is not None and sum(1 for ln in st.lines if ln.emissions is None) == 1:
            return best
        return None, None


class TotalSum(Rule):
    """The printed total equals the sum of the stage values.

    Why: the total is the headline number of a footprint report; it must be rebuilt exactly from the stages it
    claims to add up (within the rounding of the printed parts).

    Fails:
        results: 81.9386 + 1.1146 + 7.7842 + 1.9306 + 1.6631, total 94.4811
    Passes:
        results: 81.9386 + 1.1146 + 7.7842 + 1.9306 + 1.6631, total 94.4311
    """

    code = "ARI003"
    name = "total-sum-mismatch"
    category = "arithmetic"
    severity = "error"

    def check(self, report: Report, ctx: Context):
        checks = []
        if report.results and report.results.rows:
            parts = [r.value for r in report.results.rows]
            total = report.results.total
            where = "the results table"
            if total is None:
                quoted = [q.value for q in report.quotes if q.stage is None]
                total = quoted[0] if quoted else None
                where = "the quoted total"
            if total is not None:
                checks.append((parts, total, where, [r.stage.name for r in report.results.rows]))
        inv = report.inventory
        if inv and inv.total is not None:
            parts = [s.emissions for s in inv.stages if s.emissions is not None]
            if parts and len(parts) == len(inv.stages):
                checks.append((parts, inv.total, "the inventory table", [s.stage.name for s in inv.stages]))
        for parts, total, where, names in checks:
            computed = sum_intervals(ctx.interval(p) for p in parts)
            stated = ctx.interval(total)
            if computed.overlaps(stated):
                continue
            expected = fmt(computed.mid, total.decimals)
            yield self.finding(
                f"{where}: the stages add up to {expected}, but the total is printed as {total.text}",
                values=[total.text] + [p.text for p in parts], expected=expected, evidence=names,
                location=total.location, stage=None,
                cause=cause_for(total.text, total.value, computed.mid, total.decimals),
                detail=Detail(stated=total.text, computed=expected, stated_interval=stated.pair(8),
                              computed_interval=computed.pair(8), tolerance=_tolerance(ctx),
                              steps=[" + ".join(p.text for p in parts) + f" = {computed.show(6)}",
                                     f"printed {total.text} -> {stated.show(6)}: no overlap"]))


class QuotedValue(Rule):
    """The same quantity quoted in several places agrees (summary, cover, inventory, results).

    Why: readers take the number from the summary; a typo there misstates the footprint even when the tables
    are right. The value most places agree on (and that the total and the percentage support) is taken as
    right, and the odd one out is reported with the likely cause.

    Fails:
        summary: 原辅料获取阶段碳排放为 81.9886 kgCO₂ eq (86.77%); results table: 原材料获取 81.9386
    Passes:
        summary: 原辅料获取阶段碳排放为 81.9386 kgCO₂ eq (86.77%); results table: 原材料获取 81.9386
    """

    code = "ARI004"
    name = "quoted-value-mismatch"
    category = "arithmetic"
    severity = "error"

    def check(self, report: Report, ctx: Context):
        stmts = statements(report)
        total_iv = self._total_interval(stmts, ctx)
        for key, group in stmts.items():
            if len(group) < 2:
                continue
            support = []
            for s in group:
                iv = ctx.interval(s.quantity)
                agree = [o for o in group if ctx.interval(o.quantity).overlaps(iv)]
                score = len(agree) + self._percent_support(s, total_iv, ctx)
                support.append((score, s))
            best_score, best = max(support, key=lambda x: x[0])
            if sum(1 for sc, _ in support if sc == best_score and not ctx.interval(_.quantity).overlaps(
                    ctx.interval(best.quantity))) > 0:
                continue   # a tie between disagreeing values: nothing says which is right
            best_iv = ctx.interval(best.quantity)
            for s in group:
                if ctx.interval(s.quantity).overlaps(best_iv):
                    continue
                agreeing = [o for o in group if ctx.interval(o.quantity).overlaps(best_iv)]
                why = ", ".join(o.where for o in agreeing)
                q = s.quantity
                cause = cause_for(q.text, q.value, best.quantity.value, q.decimals)
                backing = []
                if s.percent is not None and total_iv is not None:
                    backing.append(f"the percentage {s.percent.text} printed beside it fits {best.quantity.text}"
                                   if self._percent_support(Statement(s.place, best.quantity, "", s.percent),
                                                            total_iv, ctx) else "")
                if key != TOTAL and total_iv is not None:
                    backing.append("the total agrees with it")
                backing = [b for b in backing if b]
                msg = (f"{stage_name(key, report)}: {s.where} states {q.text}, "
                       f"but {why} state{'s' if len(agreeing) == 1 else ''} {best.quantity.text}")
                if cause:
                    msg += f"; {cause}"
                if backing:
                    msg += f"; {' and '.join(backing)}"
                yield self.finding(
                    msg, values=[q.text, best.quantity.text], expected=best.quantity.text,
                    evidence=[s.evidence], location=q.location, stage=None if key == TOTAL else key, cause=cause,
                    detail=Detail(stated=q.text, computed=best.quantity.text,
                                  stated_interval=ctx.interval(q).pair(8),
                                  computed_interval=best_iv.pair(8), tolerance=_tolerance(ctx),
                                  steps=[f"{o.where}: {o.quantity.text}" for o in group]))

    @staticmethod
    def _total_interval(stmts, ctx: Context) -> Interval | None:
        tot = stmts.get(TOTAL) or []
        if not tot:
            return None
        return ctx.interval(max(tot, key=lambda s: sum(1 for o in tot if ctx.interval(o.quantity).overlaps(
            ctx.interval(s.quantity)))).quantity)

    @staticmethod
    def _percent_support(s: Statement, total_iv: Interval | None, ctx: Context) -> float:
        """Half a vote when the percentage printed with a value fits value / total."""
        if s.percent is None or total_iv is None or total_iv.lo <= 0:
            return 0.0
        computed = (ctx.interval(s.quantity) / total_iv).scale(Decimal(100))
        return 0.5 if computed.overlaps(ctx.interval(s.percent)) else 0.0
