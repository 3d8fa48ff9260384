"""Metadata consistency: GWP source and year, factor series, dates in order, gases covered."""
from __future__ import annotations

from auditor.engine import Context, Rule
from auditor.model import Report

AR_YEARS_FALLBACK = {"SAR": (1995, 1996), "TAR": (2001, 2001), "AR4": (2007, 2007), "AR5": (2013, 2014),
                     "AR6": (2021, 2023)}


class GwpSourceYear(Rule):
    """The IPCC assessment report named for the GWP values matches the year printed with it.

    Why: AR5 is from 2013/2014 and AR6 from 2021; "第五次评估报告（2021 年）" names one report and dates the
    other, so a reader cannot tell which GWP values (CH4 28 or 27.9, N2O 265 or 273) were used.

    Fails:
        采用了 IPCC 第五次评估报告（2021 年）提出的方法
    Passes:
        采用了 IPCC 第六次评估报告（2021 年）提出的方法
    """

    code = "CON001"
    name = "gwp-source-year"
    category = "consistency"
    severity = "warning"

    def check(self, report: Report, ctx: Context):
        m = report.metadata
        if not m.gwp_report or m.gwp_year is None:
            return
        years = dict(AR_YEARS_FALLBACK)
        if ctx.library.gwp:
            years.update({k: tuple(v) for k, v in ctx.library.gwp.years.items()})
        lo, hi = years.get(m.gwp_report, (None, None))
        if lo is None or lo <= m.gwp_year <= hi:
            return
        actual = next((k for k, (a, b) in years.items() if a <= m.gwp_year <= b), None)
        text = m.gwp_source.text if m.gwp_source else m.gwp_report
        yield self.finding(
            f"'{text}': {m.gwp_report} was published in {lo if lo == hi else f'{lo}/{hi}'}, not {m.gwp_year}"
            + (f"; {m.gwp_year} is {actual}" if actual else ""),
            values=[str(m.gwp_year)], expected=str(lo), evidence=[text],
            location=m.gwp_source.location if m.gwp_source else None,
            cause=f"either the report means {actual} and misnames it, or means {m.gwp_report} and misdates it"
            if actual else None)


class FactorSeries(Rule):
    """The electricity factor's series is named consistently: the life-cycle carbon-footprint factor (CO2e) is
    not called or labelled a CO2 emission factor (kgCO2/kWh), and vice versa.

    Why: China publishes two different series (footprint 0.5777 kgCO2e/kWh for 2024, grid CO2 0.5306 kgCO2/kWh for
    2023); mixing their names or units means the reader cannot tell which one the report used.

    Fails:
        地区 | 单位 kgCO₂/kW·h | 2024 年 0.5777        (0.5777 is the CO2e footprint factor)
    Passes:
        2024 年全国电力平均碳足迹因子为 0.5777 kgCO₂e/kW·h
    """

    code = "CON002"
    name = "factor-series-mixed"
    category = "consistency"
    severity = "warning"

    def check(self, report: Report, ctx: Context):
        lib = ctx.library
        by_value = {}
        for f in lib.electricity():
            if f.confidence == "official":
                by_value.setdefault(f.value, f)
        for m in report.factor_mentions:
            if m.series and m.unit_series and m.series != m.unit_series:
                yield self.finding(
                    f"'{m.text}' calls it a {'carbon-footprint (CO2e)' if m.series == 'CO2e' else 'CO2'} factor but "
                    f"prints the unit in {m.unit_series}",
                    values=[m.value.text] if m.value else [], evidence=[m.text], location=m.location)
            if m.value is not None:
                ref = by_value.get(m.value.value)
                if ref is not None and m.series and ref.series != m.series:
                    yield self.finding(
                        f"'{m.text}': {m.value.text} is the official {ref.vintage} "
                        f"{'footprint (CO2e)' if ref.series == 'CO2e' else 'CO2'} factor, not a "
                        f"{'footprint' if m.series == 'CO2e' else 'CO2 emission'} factor",
                        values=[m.value.text], evidence=[m.text], location=m.location)
        announced = [m for m in report.factor_mentions if m.announced and m.vintage]
        for m in announced:
            exists = lib.official_national(m.vintage, m.series or "CO2e")
            if exists is None and any(f.vintage == m.vintage for f in lib.electricity()):
                other = next(f for f in lib.electricity() if f.vintage == m.vintage)
                yield self.finding(
                    f"'{m.text}': no official {m.vintage} {'footprint' if m.series == 'CO2e' else 'CO2'} factor "
                    f"was published; the {m.vintage} value that exists is the "
                    f"{'footprint' if other.series == 'CO2e' else 'CO2'} factor {other.value} {other.unit}",
                    evidence=[m.text], values=[str(m.vintage)], location=m.location)
        for t in report.factor_tables:
            if not t.unit:
                continue
            unit_series = "CO2e" if t.unit.split("/")[0].endswith("CO2e") else "CO2"
            hits = {v.value for row in t.rows for v in row.values if v is not None and v.value in by_value
                    and by_value[v.value].series != unit_series}
            for value in sorted(hits):
                ref = by_value[value]
                yield self.finding(
                    f"the factor table's unit is {t.unit_text or t.unit} ({unit_series}) but {value} is the official "
                    f"{ref.vintage} {'carbon-footprint (CO2e)' if ref.series == 'CO2e' else 'CO2'} factor "
                    f"({ref.unit})",
                    values=[str(value)], evidence=[t.unit_text or t.unit], location=t.location)


class DatesInOrder(Rule):
    """Dates follow each other: the data period ends before the report is issued; a cited factor announcement is
    not dated after the report; a factor's vintage does not postdate its announcement.

    Why: a report cannot rest on an announcement made after it was issued, nor on data from a period that had
    not ended; either a date is wrong or the report was back-dated.

    Fails:
        数据统计周期 2025-01-01 至 2025-12-31 ; 报告签发日期 2025年11月30日
    Passes:
        数据统计周期 2025-01-01 至 2025-12-31 ; 报告签发日期 2026年05月26日
    """

    code = "CON003"
    name = "dates-out-of-order"
    category = "consistency"
    severity = "error"

    def check(self, report: Report, ctx: Context):
        m = report.metadata
        issued = m.issue_date_value
        if m.data_period_start and m.data_period_end and m.data_period_start > m.data_period_end:
            yield self.finding(f"the data period starts {m.data_period_start} after it ends {m.data_period_end}",
                               evidence=[m.data_period.text], location=m.data_period.location,
                               values=[str(m.data_period_start), str(m.data_period_end)])
        if issued and m.data_period_end and m.data_period_end > issued:
            yield self.finding(
                f"the report is dated {issued} but its data period runs to {m.data_period_end}",
                values=[m.issue_date.text, str(m.data_period_end)], evidence=[m.data_period.text],
                location=m.issue_date.location)
        for f in report.factor_mentions:
            if f.announced and issued and f.announced > issued:
                yield self.finding(
                    f"the report (dated {issued}) cites an announcement dated {f.announced}",
                    values=[str(f.announced), m.issue_date.text], evidence=[f.text], location=f.location)
            if f.announced and f.vintage and f.vintage > f.announced.year:
                yield self.finding(f"'{f.text}': a {f.vintage} factor cannot be announced in {f.announced.year}",
                                   values=[str(f.vintage)], evidence=[f.text], location=f.location)
            if f.announced and f.vintage:
                ref = ctx.library.official_national(f.vintage, f.series or "CO2e")
                if ref and ref.announced and abs((ref.announced - f.announced).days) > 45:
                    yield self.finding(
                        f"'{f.text}': the official {f.vintage} factor was announced on {ref.announced}, not "
                        f"{f.announced}", values=[str(f.announced)], expected=str(ref.announced),
                        evidence=[f.text], location=f.location, severity="warning")


class GasesCovered(Rule):
    """The gases the report covers fit its sources: fuel combustion emits CH4 and N2O besides CO2.

    Why: a report that burns diesel or natural gas yet counts only CO2 understates the footprint (slightly) and,
    more importantly, claims CO2e while reporting CO2; ISO 14067 asks for all relevant greenhouse gases.

    Fails:
        本次核查主要包括二氧化碳（CO₂） ; inventory: 柴油, 天然气
    Passes:
        本次评价包括二氧化碳（CO₂）、甲烷（CH₄）和氧化亚氮（N₂O） ; inventory: 柴油, 天然气
    """

    code = "CON004"
    name = "gases-incomplete"
    category = "consistency"
    severity = "info"

    def check(self, report: Report, ctx: Context):
        m = report.metadata
        if not m.gases or report.inventory is None:
            return
        fuels = sorted({ln.item for st in report.inventory.stages for ln in st.lines if ln.item and any(
            r.combustion for r in ctx.library.for_item(ln.item))})
        if not fuels:
            return
        missing = [g for g in ("CH4", "N2O") if g not in m.gases]
        if not missing:
            return
        yield self.finding(
            f"the report covers {', '.join(m.gases)} only, but burns {', '.join(fuels)}: combustion also emits "
            f"{' and '.join(missing)}",
            evidence=[m.gases_text.text] + fuels if m.gases_text else fuels,
            location=m.gases_text.location if m.gases_text else None)
