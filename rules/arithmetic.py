"""Arithmetic: lines, stage sums, totals, and the same value quoted in several places."""
from __future__ import annotations

from decimal import Decimal

from auditor import regexes as regex
from auditor.engine.base import Context, Rule
from auditor.engine.diagnose import cause_for, copied_from, energy_basis, explain_slip, factor_story
from auditor.engine.facts import (
    TOTAL,
    Statement,
    inventory_lines,
    line_interval,
    other_values,
    place_name,
    printed_interval,
    stage_name,
    statements,
    total_sums,
    unit_scale,
)
from auditor.i18n import J, Msg, T
from auditor.model import Detail, InventoryLine, InventoryStage, Quantity, Report
from auditor.numbers import Interval, parse_number, sig, sum_intervals


def _show(iv: Interval, decimals: int) -> str:
    return iv.show(decimals)


def _no_overlap(printed: str, stated: Interval, computed: Interval) -> Msg:
    return T("step.no-overlap", printed=printed, interval=_show(stated, 6), gap=sig(computed.gap(stated), 3))


def _blames(cause: str, printed: str) -> bool:
    """Whether a likely cause names this printed number as the mistyped one."""
    return f" {printed} looks mistyped" in cause


def _with_unit(q: Quantity) -> str:
    return f"{q.text} {q.unit}" if q.unit else q.text


def _slip_cause(candidates: list[tuple[str, Quantity, Interval, int]], ctx: Context) -> Msg | None:
    """candidates: (role, printed quantity, the interval the other numbers imply for it, evidence weight).
    The printed number that one typing slip away fits its implied interval is the likely culprit; evidence
    (another place printing the corrected value) breaks ties."""
    pi = printed_interval(ctx)
    fits = []
    for role, q, implied, weight in candidates:
        hit = explain_slip(q.text, q.decimals, implied, pi)
        if hit is not None:
            fits.append((weight, role, q, hit))
    if not fits:
        return None
    fits.sort(key=lambda f: -f[0])
    best = [f for f in fits if f[0] == fits[0][0]]
    if len(best) == 1:
        _, role, q, (variant, why) = best[0]
        return T("cause.mistyped", role=role, printed=q.text, variant=variant, why=why)
    return T("cause.mistyped-one-of", options=J([T("cause.mistyped-option", role=role, printed=q.text, variant=variant,
                                                  why=why) for _, role, q, (variant, why) in best], "or"))


def _same_item_factors(report: Report, line: InventoryLine) -> set[str]:
    """Factors printed for the same item on other lines."""
    return {ln.factor.text for _, ln in inventory_lines(report)
            if ln is not line and ln.item == line.item and ln.factor is not None}


def _factor_weight(report: Report, line: InventoryLine, implied: Interval, base: int, ctx: Context) -> int:
    """How likely the printed factor is the slip: more when its one-slip variant is what other lines or the
    reference library print; less when the printed factor itself is what they print."""
    factor = line.factor
    if factor is None:
        return base
    known = [p.value for k in _same_item_factors(report, line) if (p := parse_number(k)) is not None] \
        + [r.value for r in ctx.library.for_item(line.item)]

    def is_known(v: Decimal) -> bool:   # equal, or the same value printed to other decimals (2.162 vs 2.1622)
        return any(k == v or (k and abs(v / k - 1) < Decimal("0.0005")) for k in known)

    if is_known(factor.value):
        return base - 1
    hit = explain_slip(factor.text, factor.decimals, implied, printed_interval(ctx))
    if hit and (p := parse_number(hit[0])) is not None and is_known(p.value):
        return base + 2
    return base


def _emission_weight(line: InventoryLine, implied: Interval, base: int, ctx: Context,
                     emissions_unit: str | None) -> int:
    """A line's printed emissions that equal activity x factor as printed are probably right; one whose slip
    variant does is probably the typo."""
    if line.activity is None or line.factor is None or line.emissions is None:
        return base
    product = line_interval(line, ctx.interval, emissions_unit)
    assert product is not None   # activity and factor are checked just above
    exact = ctx.fmt(product.mid, line.emissions.decimals)
    if exact == line.emissions.text:
        return base - 1
    hit = explain_slip(line.emissions.text, line.emissions.decimals, implied, printed_interval(ctx))
    if hit and hit[0] == exact:
        return base + 1
    return base


def _culprit(cause: str | None, input_story: bool, value: tuple[str, ...], inputs: tuple[str, ...]):
    """Which printed number the cause blames: 'input' when a factor printed per energy (or an input's decimal or
    unit slip) explains the gap, 'value' when the stated value's own slip does; None when nothing singles one
    out."""
    if input_story:
        return "input"
    if not cause or "looks mistyped" not in cause:
        return None
    if cause.startswith("one printed"):   # "...; it could be the factor 2,380 (for ...) or the activity data ..."
        heads = [m + " " for m in regex.findall(r"(?:could be |,? or |, )((?:the|\S+'s) [a-z ]+?) \S+ \(for", cause)]
    else:
        heads = [cause.split(" looks mistyped", 1)[0] + " "]
    if not heads:
        return None
    if all(any(h.startswith(v) for v in value) for h in heads):
        return "value"
    if all(any(i in h or h.startswith(i) for i in inputs) for h in heads):
        # an input blamed for a power-of-ten or unit slip (2,380 per t printed per kg): the printed result follows
        # from the input as meant. A digit typo in an input is only a guess that one variant fits roughly: then
        # the stated value may as well be the slip, and counting it as a misstatement is the safe side
        return "input" if regex.search(r"\d+x (?:larger|smaller)|unit slip|decimal shift", cause) else None
    return None


class LineProduct(Rule):
    """A line's printed emissions equal its activity data times its emission factor.

    Why: the line is the root of every sum in the report; a line that does not multiply out means the factor,
    the activity or the result is misprinted, or the arithmetic used a factor other than the one shown.
    Values are compared as rounding intervals: 0.3600 x 3.0959 = 1.11452 agrees with a printed 1.1145. When one
    typing slip in one of the three numbers explains the gap, the finding names that number.

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
        from auditor.engine.facts import broken_cells

        upstream = broken_cells(report, ctx)   # t·km not mass x distance: ARI006 names the cause
        for st in inv.stages:
            for line in st.lines:
                if line.emissions is None or line.activity is None or line.factor is None:
                    continue
                if line.activity.location is not None and line.activity.location in upstream:
                    continue
                computed = line_interval(line, ctx.interval, inv.emissions_unit)
                assert computed is not None   # activity and factor are checked just above
                stated = ctx.interval(line.emissions)
                if computed.overlaps(stated):
                    continue
                scale, _ = unit_scale(line, inv.emissions_unit)
                activity, factor = ctx.interval(line.activity), ctx.interval(line.factor)
                implied = stated / activity.scale(scale)     # unbounded when the activity is printed as 0
                story, ref = factor_story(line.item, line.factor.text, line.factor.value, line.factor.decimals,
                                          implied if implied.bounded else None, ctx.library, line.activity.unit)
                per_energy = energy_basis(line.factor.value, line.factor.decimals, ctx.library.for_item(line.item))
                cause = (story if per_energy else None) or self._cause(report, st, line, computed, stated, ctx) \
                    or (story if ref else None) or cause_for(line.emissions.text, line.emissions.value, computed.mid,
                                                            line.emissions.decimals)
                expected = ctx.fmt(computed.mid, line.emissions.decimals)
                culprit = _culprit(cause, bool(per_energy),
                                   value=("the emissions ",), inputs=("the factor ", "the activity data "))
                yield self.finding(
                    T("ARI001.mismatch", stage=stage_name(st.stage.canonical or '', report),
                      item=line.item or T("word.line"), activity=line.activity.text, factor=line.factor.text,
                      expected=expected, emissions=line.emissions.text),
                    values=[line.factor.text, line.activity.text, line.emissions.text], expected=expected,
                    evidence=[x for x in (st.stage.name, line.item) if x], location=line.emissions.location,
                    stage=st.stage.canonical, cause=cause,
                    detail=Detail(stated=line.emissions.text, computed=expected, unit=inv.emissions_unit,
                                  culprit=culprit, stated_interval=stated.pair(8),
                                  computed_interval=computed.pair(8), tolerance=ctx.tolerance_text(),
                                  steps=[T("step.activity", printed=line.activity.text, interval=_show(activity, 8)),
                                         T("step.factor", printed=line.factor.text, interval=_show(factor, 8))]
                                  + ([T("step.unit-conversion", scale=str(scale))] if scale != 1 else [])
                                  + [T("step.product", interval=_show(computed, 6)),
                                     _no_overlap(line.emissions.text, stated, computed)]
                                  + ([T("step.implied-factor", emissions=line.emissions.text,
                                        activity=line.activity.text, implied=sig(implied.mid, 5))]
                                     if implied.bounded else [])))

    @staticmethod
    def _cause(report: Report, st: InventoryStage, line: InventoryLine, computed: Interval, stated: Interval,
               ctx: Context) -> Msg | None:
        inv, emissions, activity_q, factor_q = report.inventory, line.emissions, line.activity, line.factor
        if inv is None or emissions is None or activity_q is None or factor_q is None:
            return None   # check() asks only about a line of an inventory with all three numbers printed
        scale, _ = unit_scale(line, inv.emissions_unit)
        activity, factor = ctx.interval(activity_q), ctx.interval(factor_q)
        # evidence: the stage value agrees with the computed product, not the printed one -> the emissions slipped
        emis_weight = 1
        if st.emissions is not None and st.emissions_from != "single-line" and all(
                o.emissions is not None for o in st.lines):
            others = sum_intervals(ctx.interval(o.emissions) for o in st.lines
                                   if o is not line and o.emissions is not None)
            with_computed = (others + computed).overlaps(ctx.interval(st.emissions))
            with_stated = (others + stated).overlaps(ctx.interval(st.emissions))
            if with_computed and not with_stated:
                emis_weight = 3     # the subtotal was added from the right value: the line's emissions slipped
            elif with_stated and not with_computed:
                emis_weight = 0     # the subtotal adds up with the printed value: activity or factor slipped
        implied_factor = stated / activity.scale(scale)
        factor_weight = _factor_weight(report, line, implied_factor, 1, ctx)
        candidates: list[tuple[str, Quantity, Interval, int]] = [
            (T("role.emissions"), emissions, computed, emis_weight),
            (T("role.factor"), factor_q, implied_factor, factor_weight),
            (T("role.activity"), activity_q, stated / factor.scale(scale), 1)]
        return _slip_cause(candidates, ctx)


class StageSum(Rule):
    """A stage's printed emissions equal the sum of its lines (activity x factor, or the lines' own emissions).

    Why: stage values carry the report's conclusions; when they cannot be rebuilt from the inventory, either
    the inventory or the stage value is wrong. When one line's factor explains the gap, or one typing slip in one
    printed number, the finding names it.

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
        stmts = statements(report)
        for st in inv.stages:
            if st.emissions is None or st.emissions_from == "single-line" or not st.lines:
                continue
            own = [ln.emissions for ln in st.lines if ln.emissions is not None]
            parts: list[Interval]
            if len(own) == len(st.lines):
                parts = [ctx.interval(o) for o in own]
                how = T("step.how-printed-lines")
            else:
                line_parts = [line_interval(ln, ctx.interval, inv.emissions_unit) if ln.emissions is None
                              else ctx.interval(ln.emissions) for ln in st.lines]
                how = T("step.how-activity-factor")
                if any(p is None for p in line_parts):
                    missing = [ln.item or "?" for ln, p in zip(st.lines, line_parts) if p is None]
                    yield self.finding(
                        T("ARI002.cannot-rebuild", stage=st.stage.name, stated=st.emissions.text,
                          lines=J(missing, "comma"), n=len(missing)),
                        values=[st.emissions.text], evidence=[st.stage.name], location=st.emissions.location,
                        stage=st.stage.canonical, severity="warning", category="extraction")
                    continue
                parts = [p for p in line_parts if p is not None]   # all of them: none is None
            computed = sum_intervals(parts)
            stated = ctx.interval(st.emissions)
            if computed.overlaps(stated):
                continue
            expected = ctx.fmt(computed.mid, st.emissions.decimals)
            values = [st.emissions.text]
            self._fallback = self._matched = None
            cause, suspect_values = self._suspect(st, parts, stated, ctx)
            energy_story = cause is not None
            if suspect_values:
                values += suspect_values
            else:
                values += [ln.factor.text for ln in st.lines if ln.factor]
            if cause is None:
                cause = self._slip(report, st, parts, computed, stated, stmts, ctx) or self._matched \
                    or self._fallback or cause_for(st.emissions.text, st.emissions.value, computed.mid,
                                                   st.emissions.decimals)
            # the line number the cause names is a number the finding rests on
            for ln in st.lines:
                for q in (ln.emissions, ln.activity, ln.factor):
                    if q is not None and cause and _blames(cause, q.text) and q.text not in values:
                        values.append(q.text)
            steps: list[str] = []
            for ln, p in zip(st.lines, parts):
                if ln.emissions is not None:
                    steps.append(T("step.line-printed", item=ln.item or "?", printed=ln.emissions.text,
                                   interval=_show(p, 6)))
                elif ln.activity is not None and ln.factor is not None:   # always: its part is activity x factor
                    steps.append(T("step.line-product", item=ln.item or "?", activity=ln.activity.text,
                                   factor=ln.factor.text, interval=_show(p, 6)))
            steps.append(T("step.equals", what=how, interval=_show(computed, 6)))
            steps.append(_no_overlap(st.emissions.text, stated, computed))
            yield self.finding(
                T("ARI002.mismatch", stage=st.stage.name, expected=expected, stated=st.emissions.text),
                values=values, expected=expected, evidence=[st.stage.name] + [ln.item for ln in st.lines if ln.item],
                location=st.emissions.location, stage=st.stage.canonical, cause=cause,
                detail=Detail(stated=st.emissions.text, computed=expected, unit=inv.emissions_unit,
                              culprit=_culprit(cause, energy_story, value=("the stage value ",),
                                               inputs=("'s factor ", "'s activity data ", "'s emissions ")),
                              stated_interval=stated.pair(8),
                              computed_interval=computed.pair(8), tolerance=ctx.tolerance_text(),
                              steps=steps))

    def _slip(self, report: Report, st: InventoryStage, parts: list[Interval], computed: Interval,
              stated: Interval, stmts: dict[str, list[Statement]], ctx: Context) -> Msg | None:
        """Which printed number one slip away explains the gap: the stage value, or one line's activity, factor
        or emissions. Other places stating the stage value are evidence for the stage value being right."""
        inv, emissions = report.inventory, st.emissions
        if inv is None or emissions is None:
            return None   # check() asks only about a stage of the inventory that prints its value
        key = st.stage.canonical
        copy = copied_from(emissions.value, emissions.text, other_values(stmts, key, "inventory", report)) \
            if key else None
        elsewhere = [s for s in stmts.get(key, []) if s.place != "inventory"] if key else []
        stage_confirmed = any(ctx.interval(s.quantity).overlaps(stated) for s in elsewhere)
        computed_confirmed = any(ctx.interval(s.quantity).overlaps(computed) for s in elsewhere)
        if copy and not stage_confirmed:
            return copy
        candidates: list[tuple[str, Quantity, Interval, int]] = [
            (T("role.stage-value"), emissions, computed, 3 if computed_confirmed else 1)]
        for i, ln in enumerate(st.lines):
            others = sum_intervals(p for j, p in enumerate(parts) if j != i)
            rest = stated - others
            weight = 2 if stage_confirmed else 1
            if ln.emissions is not None:
                candidates.append((T("role.item-emissions", item=ln.item or "?"), ln.emissions, rest,
                                   _emission_weight(ln, rest, weight, ctx, inv.emissions_unit)))
                continue
            if ln.activity is None or ln.factor is None:
                continue   # never: the stage's parts include this line's activity x factor
            scale, _ = unit_scale(ln, inv.emissions_unit)
            f_weight = _factor_weight(report, ln, rest / ctx.interval(ln.activity).scale(scale), weight, ctx)
            candidates.append((T("role.item-factor", item=ln.item or "?"), ln.factor,
                               rest / ctx.interval(ln.activity).scale(scale), f_weight))
            candidates.append((T("role.item-activity", item=ln.item or "?"), ln.activity,
                               rest / ctx.interval(ln.factor).scale(scale), weight))
        return _slip_cause(candidates, ctx)

    _fallback: Msg | None = None
    _matched: Msg | None = None

    def _suspect(self, st: InventoryStage, parts: list[Interval], stated: Interval,
                 ctx: Context) -> tuple[Msg | None, list[str]]:
        """The one line whose factor, replaced by the implied one, closes the gap and matches a reference.
        Returns the cause and the line's printed factor and activity, or (None, [])."""
        best = None
        for i, ln in enumerate(st.lines):
            if ln.emissions is not None or ln.activity is None or ln.factor is None:
                continue
            others = sum_intervals(p for j, p in enumerate(parts) if j != i)
            implied = (stated - others) / ctx.interval(ln.activity)
            if not implied.bounded or implied.hi <= 0:
                continue
            story, ref = factor_story(ln.item, ln.factor.text, ln.factor.value, ln.factor.decimals, implied,
                                      ctx.library, ln.activity.unit)
            if ref is not None and energy_basis(ln.factor.value, ln.factor.decimals, ctx.library.for_item(ln.item)):
                return T("cause.item-story", item=ln.item or "?", story=story), [ln.factor.text, ln.activity.text]
            if ref is not None and self._matched is None:
                self._matched = T("cause.item-story", item=ln.item or "?", story=story)
            if best is None:
                best = (T("cause.factor-would-be", item=ln.item or "?", implied=sig(implied.mid, 5),
                          printed=ln.factor.text), ln)
        self._fallback = best[0] if best is not None and sum(1 for ln in st.lines if ln.emissions is None) == 1 \
            else None
        return None, []


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
        stmts = statements(report)
        for ts in total_sums(report):
            parts, total, where, names = ts.parts, ts.total, ts.where, ts.names
            computed = sum_intervals(ctx.interval(p) for p in parts)
            stated = ctx.interval(total)
            if computed.overlaps(stated):
                continue
            expected = ctx.fmt(computed.mid, total.decimals)
            cause = self._cause(parts, names, total, computed, stated, stmts, ctx)
            yield self.finding(
                T("ARI003.mismatch", where=where, expected=expected, stated=total.text),
                values=[total.text] + [p.text for p in parts], expected=expected, evidence=names,
                location=total.location, stage=None, cause=cause,
                detail=Detail(stated=total.text, computed=expected, unit=total.unit, stated_interval=stated.pair(8),
                              computed_interval=computed.pair(8), tolerance=ctx.tolerance_text(),
                              steps=[T("step.equals", what=J([p.text for p in parts], "plus"),
                                       interval=_show(computed, 6)),
                                     _no_overlap(total.text, stated, computed)]))

    @staticmethod
    def _cause(parts, names, total: Quantity, computed: Interval, stated: Interval, stmts, ctx: Context):
        """The total slipped (other statements of the total agree with the sum), or one part did."""
        others_total = [s for s in stmts.get(TOTAL, []) if s.quantity is not total]
        sum_confirmed = any(ctx.interval(s.quantity).overlaps(computed) for s in others_total)
        total_confirmed = any(ctx.interval(s.quantity).overlaps(stated) for s in others_total)
        candidates: list[tuple[str, Quantity, Interval, int]] = [
            (T("role.total"), total, computed, 3 if sum_confirmed else 1)]
        for i, (p, n) in enumerate(zip(parts, names)):
            rest = stated - sum_intervals(ctx.interval(q) for j, q in enumerate(parts) if j != i)
            candidates.append((f"{n}", p, rest, 2 if total_confirmed else 1))
        return _slip_cause(candidates, ctx) or cause_for(total.text, total.value, computed.mid, total.decimals)


class QuotedValueMismatch(Rule):
    """The same quantity quoted in several places agrees (summary, cover, inventory, results).

    Why: readers take the number from the summary; a typo there misstates the footprint even when the tables
    are right. The value most places agree on (and that the total and the percentage support) is taken as
    right, and the odd one out is reported with the likely cause (a digit slip, two digits swapped, or the value
    of another stage copied into this one).

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
                agree = [o for o in group if ctx.agree(o.quantity, s.quantity)]
                score = len(agree) + self._percent_support(s, total_iv, ctx)
                support.append((score, s))
            best_score, best = max(support, key=lambda x: x[0])
            if any(sc == best_score and not ctx.agree(o.quantity, best.quantity) for sc, o in support):
                continue   # a tie between disagreeing values: nothing says which is right
            best_iv = ctx.interval(best.quantity)
            for s in group:
                if ctx.agree(s.quantity, best.quantity):
                    continue
                agreeing = [o for o in group if ctx.agree(o.quantity, best.quantity)]
                why = J([o.where for o in agreeing], "list")
                q = s.quantity
                cause = cause_for(q.text, q.value, best.quantity.value, q.decimals,
                                  others=other_values(stmts, key, s.place, report) if key != TOTAL else None,
                                  expected_text=best.quantity.text)
                backing = []
                if s.percent is not None and total_iv is not None and self._percent_support(
                        Statement(s.place, best.quantity, "", s.percent), total_iv, ctx):
                    backing.append(T("ARI004.percent-fits", percent=s.percent.text, value=best.quantity.text))
                if key != TOTAL and total_iv is not None:
                    backing.append(T("ARI004.total-agrees"))
                notes = ([cause] if cause else []) + ([J(backing, "clauses")] if backing else [])
                msg = T("ARI004.mismatch-why" if notes else "ARI004.mismatch", stage=stage_name(key, report),
                        where=s.where, stated=q.text, others=why, n=len(agreeing), value=best.quantity.text,
                        why=J(notes, "semicolon"))
                same_dp = q.decimals == best.quantity.decimals
                yield self.finding(
                    msg, values=[q.text, best.quantity.text], expected=best.quantity.text,
                    evidence=[s.evidence], location=q.location, stage=None if key == TOTAL else key,
                    cause=cause,
                    detail=Detail(stated=q.text, computed=best.quantity.text, unit=q.unit or best.quantity.unit,
                                  culprit="value",
                                  stated_interval=ctx.interval(q).pair(8),
                                  computed_interval=best_iv.pair(8), tolerance=ctx.tolerance_text(),
                                  steps=[T("step.place-value", where=o.where, printed=o.quantity.text,
                                           interval=_show(ctx.interval(o.quantity), 6)) for o in group]
                                  + [T("ARI004.step-same-precision" if same_dp else "ARI004.step-no-overlap",
                                       n=len(agreeing), value=best.quantity.text, stated=q.text)]))

    @staticmethod
    def _total_interval(stmts, ctx: Context) -> Interval | None:
        tot = stmts.get(TOTAL) or []
        if not tot:
            return None
        return ctx.interval(max(tot, key=lambda s: sum(1 for o in tot if ctx.agree(o.quantity, s.quantity))).quantity)

    @staticmethod
    def _percent_support(s: Statement, total_iv: Interval | None, ctx: Context) -> float:
        """Half a vote when the percentage printed with a value fits value / total."""
        if s.percent is None or total_iv is None or total_iv.lo <= 0:
            return 0.0
        computed = (ctx.interval(s.quantity) / total_iv).scale(Decimal(100))
        return 0.5 if computed.overlaps(ctx.interval(s.percent)) else 0.0


class StageValueDuplicated(Rule):
    """Two different stages do not print the same value in the same table.

    Why: with four printed decimals, two stages with exactly the same emissions are almost never a coincidence:
    the value of one row was copied into another. The copy usually also breaks the total or the shares; this
    finding says where the number came from. Values with fewer than three significant digits (0.00, 1.0) are
    not compared, since those can agree by chance.

    Fails:
        results: 原材料运输 1.1146 | 成品运输 1.1146      (the inventory gives 1.9306 for 成品运输)
    Passes:
        results: 原材料运输 1.1146 | 成品运输 1.9306
    """

    code = "ARI005"
    name = "stage-value-duplicated"
    category = "arithmetic"
    severity = "warning"

    def check(self, report: Report, ctx: Context):
        tables = []
        if report.results:
            tables.append((T("place.results"), [(r.stage, r.value) for r in report.results.rows]))
        if report.inventory:
            tables.append((T("place.inventory"), [(s.stage, s.emissions) for s in report.inventory.stages
                                                  if s.emissions is not None]))
        stmts = statements(report)
        for where, rows in tables:
            by_text: dict[str, list] = {}
            for stage, q in rows:
                if q is None or q.value == 0 or len(q.text.strip("-0.").replace(".", "")) < 3:
                    continue
                by_text.setdefault(q.text, []).append((stage, q))
            for text, hits in by_text.items():
                stages = {s.canonical or s.name for s, _ in hits}
                if len(stages) < 2:
                    continue
                # which of them is the copy: the stage whose other statements disagree with the value
                wrong = [s for s, q in hits if s.canonical and any(
                    not ctx.interval(o.quantity).overlaps(ctx.interval(q)) for o in stmts.get(s.canonical, []))]
                names = [s.name for s, _ in hits]
                msg = T("ARI005.duplicated", where=where, value=text, stages=J(names, "and"))
                if wrong:
                    msg = T("ARI005.duplicated-elsewhere", where=where, value=text, stages=J(names, "and"),
                            wrong=J([s.name for s in wrong], "list"))
                yield self.finding(
                    msg, values=[text], evidence=names, location=hits[-1][1].location,
                    stage=(wrong[0].canonical if wrong else hits[-1][0].canonical),
                    cause=T("cause.stage-copied"),
                    severity="error" if wrong else None,
                    detail=Detail(stated=text, steps=[T("step.name-value", name=s.name, value=q.text)
                                                      for s, q in hits]))


class PerUnitFootprint(Rule):
    """The footprint per functional unit is the annual total over the annual output: 年排放总量 / 年产量 = 单位产品
    碳足迹, in the units printed (tCO2e / t = tCO2e/t; x1000 for kgCO2e/t).

    Why: plant-level reports compute a year's emissions and divide by the year's output; the per-unit figure is
    what the cover and the summary quote, so a slip in the division is the slip a reader sees. It is a different
    quantity from the annual total and is never compared with it.

    Fails:
        年排放总量 36,830.80 tCO2e, 年产量 19,200 t, 单位产品碳足迹 1.9113 tCO2e/t   (36,830.80 / 19,200 = 1.9183)
    Passes:
        年排放总量 36,830.80 tCO2e, 年产量 19,200 t, 单位产品碳足迹 1.9183 tCO2e/t
    """

    code = "ARI008"
    name = "per-unit-footprint"
    severity = "error"

    def check(self, report: Report, ctx: Context):
        from auditor.engine.facts import annual_total, mass_ratio, per_unit_quotes

        total = annual_total(report)
        output = report.metadata.annual_output
        if total is None or output is None:
            return
        ids = per_unit_quotes(report)
        seen = set()
        for q in report.quotes:
            if id(q) not in ids or q.value.text in seen:
                continue
            seen.add(q.value.text)
            ratio = mass_ratio(total.unit, q.value.unit)
            expected = (ctx.interval(total) / ctx.interval(output)).scale(ratio)
            if not expected.bounded or expected.overlaps(ctx.interval(q.value)):
                continue
            exp = ctx.fmt(expected.mid, q.value.decimals)
            yield self.finding(
                T("ARI008.mismatch", stated=_with_unit(q.value), place=place_name(q.place), total=_with_unit(total),
                  output=_with_unit(output), expected=exp),
                values=[q.value.text, total.text, output.text], expected=exp, evidence=[q.text],
                location=q.value.location,
                cause=cause_for(q.value.text, q.value.value, expected.mid, q.value.decimals),
                detail=Detail(stated=q.value.text, computed=exp, unit=q.value.unit, tolerance=ctx.tolerance_text(),
                              steps=[T("step.quotient-scaled" if ratio != 1 else "step.quotient", total=total.text,
                                       output=output.text, scale=str(ratio),
                                       interval=expected.show(q.value.decimals + 2))]))
