"""Percentages: each follows from its value and the total; the parts add up to the stated whole."""
from __future__ import annotations

from decimal import Decimal

from auditor.engine.base import Context, Rule
from auditor.engine.diagnose import cause_for, copied_from
from auditor.engine.facts import TOTAL, place_name, stage_name, statements
from auditor.i18n import J, Msg, T
from auditor.model import Detail, Report
from auditor.numbers import Interval, fmt, sum_intervals

HUNDRED = Decimal(100)


def consensus_total(report: Report, ctx: Context):
    """The total most places agree on (results total first)."""
    group = statements(report).get(TOTAL) or []
    if not group:
        return None
    return max(group, key=lambda s: (sum(1 for o in group if ctx.interval(o.quantity).overlaps(
        ctx.interval(s.quantity))), s.place == "results_total")).quantity


class PercentOfTotal(Rule):
    """Each percentage equals its value divided by the total, within the rounding of all three numbers.

    Why: shares are what readers compare; a share computed against an old total or copied from another row
    misleads even when the values are right. When several shares fit one other total, the finding says so.

    Fails:
        原材料获取 | 81.9386 | 88.77%     (81.9386 / 94.4311 = 86.77%)
    Passes:
        原材料获取 | 81.9386 | 86.77%
    """

    code = "PCT001"
    name = "percent-mismatch"
    category = "percentage"
    severity = "error"

    def check(self, report: Report, ctx: Context):
        total = consensus_total(report, ctx)
        if total is None or total.value <= 0:
            return
        t_iv = ctx.interval(total)
        stage_values = statements(report)
        rows = []
        if report.results:
            rows += [("results", r.stage.canonical, r.stage.name, r.value, r.percent) for r in report.results.rows]
        for q in report.quotes:
            if q.stage is not None and q.percent is not None:
                rows += [(q.place, q.stage.canonical, q.text, q.value, q.percent)]
        bad = []
        for place, canonical, name, value, pct in rows:
            if pct is None:
                continue
            computed = (ctx.interval(value) / t_iv).scale(HUNDRED)
            if computed.overlaps(ctx.interval(pct)):
                continue
            if place != "results" and canonical in stage_values:
                # the quoted value is itself off (ARI004 reports it); skip when the share fits the agreed value
                others = [s.quantity for s in stage_values[canonical] if s.quantity is not value]
                if any((ctx.interval(o) / t_iv).scale(HUNDRED).overlaps(ctx.interval(pct)) for o in others):
                    continue
            bad.append((place, canonical, name, value, pct, computed))
        stale = self._stale_total(bad, total, ctx)
        for place, canonical, name, value, pct, computed in bad:
            expected = ctx.fmt(computed.mid, pct.decimals) + "%"
            same_place = [(r[2], r[4].text.rstrip("%")) for r in rows
                          if r[0] == place and r[4] is not None and r[4] is not pct and r[1] != canonical]
            copied = copied_from(pct.value, pct.text.rstrip("%"), same_place)
            cause = stale or (T("cause.copied-share", **copied.params) if copied is not None else None) \
                or cause_for(pct.text.rstrip("%"), pct.value, computed.mid, pct.decimals)
            yield self.finding(
                T("PCT001.mismatch", stage=stage_name(canonical, report) if canonical else name, value=value.text,
                  total=total.text, expected=expected, printed=_pct(pct.text), place=place_name(place)),
                values=[pct.text, value.text, total.text], expected=expected, evidence=[name],
                location=pct.location, stage=canonical, cause=cause,
                detail=Detail(stated=pct.text, computed=expected,
                              stated_interval=ctx.interval(pct).pair(8),
                              computed_interval=computed.pair(8),
                              tolerance=T("PCT001.tolerance", tolerance=ctx.tolerance_text()),
                              steps=[T("PCT001.step-intervals", value=value.text,
                                       interval=ctx.interval(value).show(6), total=total.text,
                                       total_interval=t_iv.show(6)),
                                     T("step.percent-of", value=value.text, total=total.text,
                                       interval=computed.show(4)),
                                     T("step.printed-no-overlap", printed=pct.text,
                                       interval=ctx.interval(pct).show(4))]
                              + ([T("PCT001.step-stale", n=len(bad), totals=J(
                                  [T("step.percent-base", value=b[3].text, share=_pct(b[4].text),
                                     total=fmt(b[3].value / b[4].value * HUNDRED, total.decimals))
                                   for b in bad if b[4].value > 0], "comma"))] if stale else [])))

    @staticmethod
    def _stale_total(bad, total, ctx: Context) -> Msg | None:
        """Several shares that all fit one other total: they were computed before the total changed.
        Each share implies an interval for the total it was computed against (value / share x 100); when the
        intervals of all wrong shares overlap, away from the printed total, that common total is the stale one."""
        if len(bad) < 2:
            return None
        common = None
        for b in bad:
            pct_iv = ctx.interval(b[4])
            if pct_iv.lo <= 0:
                return None
            implied = (ctx.interval(b[3]) / pct_iv).scale(HUNDRED)
            if common is None:
                common = implied
            elif common.overlaps(implied):
                common = Interval(max(common.lo, implied.lo), min(common.hi, implied.hi))
            else:
                return None
        if common is None or common.overlaps(ctx.interval(total)):
            return None
        return T("PCT001.stale-total", n=len(bad), about=fmt(common.mid, total.decimals),
                 lo=fmt(common.lo, total.decimals), hi=fmt(common.hi, total.decimals), total=total.text)


def _pct(text: str) -> str:
    """A printed percentage with its % sign (a results column headed (%) prints its numbers without one)."""
    return text if text.endswith("%") else text + "%"


class PercentSum(Rule):
    """The percentages of the parts add up to the stated whole (100%), within the rounding of the parts.

    Why: shares that do not add up mean a row is missing, counted twice, or misprinted. Six parts printed to two
    decimals may legitimately add to 99.99 or 100.01; that is not reported.

    Fails:
        86.77% + 1.18% + 8.24% + 2.04% + 2.76% = 101.00%, total row 100.00%
    Passes:
        86.77% + 1.18% + 8.24% + 2.04% + 1.76% = 99.99%, total row 100.00%
    """

    code = "PCT002"
    name = "percent-sum-mismatch"
    category = "percentage"
    severity = "error"

    def check(self, report: Report, ctx: Context):
        res = report.results
        if res is None or not res.rows or any(r.percent is None for r in res.rows):
            return
        parts = [r.percent for r in res.rows if r.percent is not None]   # all rows: checked just above
        computed = sum_intervals(ctx.interval(p) for p in parts)
        whole = res.total_percent
        stated = ctx.interval(whole) if whole is not None else Interval.exact(HUNDRED)
        if computed.overlaps(stated):
            return
        expected = whole.text if whole is not None else "100%"
        yield self.finding(
            T("PCT002.mismatch", sum=ctx.fmt(computed.mid, parts[0].decimals) + "%", expected=expected),
            values=[p.text for p in parts] + ([whole.text] if whole is not None else []),
            expected=expected, evidence=[r.stage.name for r in res.rows],
            location=whole.location if whole is not None else res.location,
            detail=Detail(stated=expected, computed=fmt(computed.mid, parts[0].decimals) + "%",
                          computed_interval=computed.pair(8),
                          stated_interval=stated.pair(8),
                          tolerance=T("PCT002.tolerance", tolerance=ctx.tolerance_text()),
                          steps=[T("step.equals", what=J([p.text for p in parts], "plus"),
                                   interval=computed.show(4))]))


def _sum_parts(name: str) -> list[str] | None:
    """The stages a quoted sum names: 'A1-A3' (modules A1 to A3), 'A2 and A4', '原材料运输与产品分销'; None when the
    name is no sum of known stages."""
    from auditor import regexes as regex
    from auditor.vocab import match_stage

    modules = ["A1", "A2", "A3", "A4", "A5"]
    stage_of = {"A1": "raw_material_acquisition", "A2": "raw_material_transport", "A3": "production",
                "A4": "distribution", "A5": "installation"}
    m = regex.search(r"\b(A[1-5])\s*[-–~]\s*(A[1-5])\b", name, regex.I)
    if m:
        a, b = modules.index(m.group(1).upper()), modules.index(m.group(2).upper())
        if a < b:
            return [stage_of[x] for x in modules[a:b + 1]]
    codes = regex.findall(r"\b(A[1-5])\b", name, regex.I)
    if len(codes) >= 2 and regex.search(r"\band\b|&|\+|,", name, regex.I):
        return [stage_of[c.upper()] for c in codes]
    parts = [p for p in regex.split(r"\s*(?:与|和|及|以及|加|\band\b|&|\+)\s*", name) if p.strip()]
    if len(parts) >= 2:
        found = [match_stage(p)[0] for p in parts]
        if all(f and f != "transport?" for f in found):
            return [f for f in found if f]
    return None


class StageSumQuoted(Rule):
    """A value or share quoted for several stages together ('A1-A3 account for 87.9% of the total', '原材料运输与
    产品分销合计 77.60 kgCO₂e') is the sum of those stages in the results table.

    Why: EN 15804 studies summarise the product stage A1-A3, and reports group the transport stages; the sum is
    computed by hand and quoted in the summary, where a slip is what the reader takes away.

    Fails:
        results A1 114.39 (79.8%), A2 0.89 (0.6%), A3 10.80 (7.5%); summary: A1-A3 account for 89.9%
    Passes:
        ... summary: A1-A3 account for 87.9%
    """

    code = "PCT003"
    name = "stage-sum-quoted"
    severity = "error"

    def check(self, report: Report, ctx: Context):
        res = report.results
        if res is None or not res.rows:
            return
        by_stage: dict[str, list] = {}
        for r in res.rows:
            if r.stage.canonical:
                by_stage.setdefault(r.stage.canonical, []).append(r)
        for q in report.quotes:
            if q.stage is None or q.stage.canonical is not None:
                continue
            parts = _sum_parts(q.stage.name)
            if not parts or any(p not in by_stage for p in parts):
                continue
            rows = [by_stage[p][0] for p in parts]
            share = q.value if q.value.unit == "%" else q.percent
            checks = []
            if q.value.unit != "%" and all(r.value is not None for r in rows):
                checks.append((q.value, sum_intervals(ctx.interval(r.value) for r in rows), "value"))
            if share is not None:
                if all(r.percent is not None for r in rows):
                    expected = sum_intervals(ctx.interval(r.percent) for r in rows if r.percent is not None)
                elif res.total is not None:
                    expected = (sum_intervals(ctx.interval(r.value) for r in rows) / ctx.interval(res.total)).scale(
                        Decimal(100))
                else:
                    continue
                checks.append((share, expected, "share"))
            for stated, expected, what in checks:
                if not expected.bounded or expected.overlaps(ctx.interval(stated)):
                    continue
                exp = fmt(expected.mid, stated.decimals)
                names = J([r.stage.name for r in rows], "plus")
                is_share = what == "share"
                yield self.finding(
                    T("PCT003.share-mismatch" if is_share else "PCT003.value-mismatch", stage=q.stage.name,
                      stated=_pct(stated.text) if is_share else stated.text, place=place_name(q.place), names=names,
                      expected=exp + "%" if is_share else exp),
                    values=[stated.text], expected=exp, evidence=[q.text], location=stated.location,
                    cause=cause_for(stated.text.rstrip("%"), stated.value, expected.mid, stated.decimals),
                    detail=Detail(stated=stated.text, computed=exp, tolerance=ctx.tolerance_text(),
                                  steps=[T("step.sum-of", what=names,
                                           interval=expected.show(stated.decimals + 2))]))
