"""Metadata consistency: GWP source and year, factor series, dates in order, gases covered."""
from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from auditor import regexes as regex
from auditor.engine.base import Context, Rule
from auditor.engine.reference import RefFactor
from auditor.i18n import J, Msg, T
from auditor.model import Detail, Location, Report
from auditor.numbers import fold
from auditor.vocab import norm

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
    checklist = "gases"
    name = "gwp-source-year"
    category = "consistency"
    severity = "warning"

    def check(self, report: Report, ctx: Context):
        m = report.metadata
        if not m.gwp_report or m.gwp_year is None:
            return
        years: dict[str, tuple[int, ...]] = dict(AR_YEARS_FALLBACK)
        if ctx.library.gwp:
            years.update({k: tuple(v) for k, v in ctx.library.gwp.years.items()})
        span = years.get(m.gwp_report)
        if span is None:
            return
        lo, hi = span
        if lo <= m.gwp_year <= hi:
            return
        actual = next((k for k, (a, b) in years.items() if a <= m.gwp_year <= b), None)
        text = m.gwp_source.text if m.gwp_source else m.gwp_report
        published = str(lo) if lo == hi else f"{lo}/{hi}"
        yield self.finding(
            T("CON001.misdated-other" if actual else "CON001.misdated", source=text, report=m.gwp_report,
              published=published, year=str(m.gwp_year), actual=actual or ""),
            values=[str(m.gwp_year)], expected=str(lo), evidence=[text],
            location=m.gwp_source.location if m.gwp_source else None,
            cause=T("CON001.misnamed-or-misdated", actual=actual, report=m.gwp_report) if actual else None)


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
    checklist = "electricity"
    name = "factor-series-mixed"
    category = "consistency"
    severity = "warning"

    def check(self, report: Report, ctx: Context):
        lib = ctx.library
        by_value: dict[Decimal, RefFactor] = {}
        for f in lib.electricity():
            if f.confidence == "official":
                by_value.setdefault(f.value, f)
        for m in report.factor_mentions:
            if m.series and m.unit_series and m.series != m.unit_series:
                yield self.finding(
                    T("CON002.unit-series", text=m.text, series=_series(m.series), unit_series=m.unit_series),
                    values=[m.value.text] if m.value else [], evidence=[m.text], location=m.location)
            if m.value is not None:
                ref = by_value.get(m.value.value)
                if ref is not None and m.series and ref.series != m.series:
                    yield self.finding(
                        T("CON002.value-of-other-series", text=m.text, value=m.value.text, vintage=str(ref.vintage),
                          ref_series=_series(ref.series), series=_series(m.series)),
                        values=[m.value.text], evidence=[m.text], location=m.location)
        for m in report.factor_mentions:
            if not (m.announced and m.vintage):
                continue
            exists = lib.official_national(m.vintage, m.series or "CO2e")
            if exists is None and any(f.vintage == m.vintage for f in lib.electricity()):
                other = next(f for f in lib.electricity() if f.vintage == m.vintage)
                yield self.finding(
                    T("CON002.never-published", text=m.text, vintage=str(m.vintage),
                      series=_series(m.series or "CO2e"), other_series=_series(other.series),
                      value=f"{other.value} {other.unit}"),
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
                    T("CON002.table-unit", unit=t.unit_text or t.unit, unit_series=unit_series, value=str(value),
                      vintage=str(ref.vintage), series=_series(ref.series), ref_unit=ref.unit),
                    values=[str(value)], evidence=[t.unit_text or t.unit], location=t.location)


def _series(series: str) -> Msg:
    """A factor series named: the carbon-footprint (CO2e) factor or the CO2 (emission) factor."""
    return T("CON002.series-co2e" if series == "CO2e" else "CON002.series-co2")


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
    checklist = "data-period"
    name = "dates-out-of-order"
    category = "consistency"
    severity = "error"

    def check(self, report: Report, ctx: Context):
        m = report.metadata
        issued = m.issue_date_value
        issued_text = m.issue_date.text if m.issue_date else str(issued)
        period = m.data_period
        if m.data_period_start and m.data_period_end and m.data_period_start > m.data_period_end:
            yield self.finding(T("CON003.period-reversed", start=str(m.data_period_start),
                                 end=str(m.data_period_end)),
                               evidence=[period.text] if period else [],
                               location=period.location if period else None,
                               values=[str(m.data_period_start), str(m.data_period_end)])
        if issued and m.data_period_end and m.data_period_end > issued:
            yield self.finding(
                T("CON003.issued-before-period-end", issued=str(issued), end=str(m.data_period_end)),
                values=[issued_text, str(m.data_period_end)], evidence=[period.text] if period else [],
                location=m.issue_date.location if m.issue_date else None)
        for f in report.factor_mentions:
            if f.announced and issued and f.announced > issued:
                yield self.finding(
                    T("CON003.announcement-after-report", issued=str(issued), announced=str(f.announced)),
                    values=[str(f.announced), issued_text], evidence=[f.text], location=f.location)
            if f.announced and f.vintage and f.vintage > f.announced.year:
                yield self.finding(T("CON003.vintage-after-announcement", text=f.text, vintage=str(f.vintage),
                                     year=str(f.announced.year)),
                                   values=[str(f.vintage)], evidence=[f.text], location=f.location)
            if f.announced and f.vintage:
                ref = ctx.library.official_national(f.vintage, f.series or "CO2e")
                if ref and ref.announced and abs((ref.announced - f.announced).days) > 45:
                    yield self.finding(
                        T("CON003.announced-elsewhen", text=f.text, vintage=str(f.vintage),
                          official=str(ref.announced), announced=str(f.announced)),
                        values=[str(f.announced)], expected=str(ref.announced),
                        evidence=[f.text], location=f.location, severity="warning")


class GasesCovered(Rule):
    """The gases the report covers fit its sources: fuel combustion emits CH4 and N2O besides CO2, and a report
    that says it covers them does not use CO2-only combustion factors.

    Why: a report that burns diesel or natural gas yet counts only CO2 understates the footprint (slightly) and,
    more importantly, claims CO2e while reporting CO2; ISO 14067 asks for all relevant greenhouse gases. The other
    way round, a report that lists CH4 and N2O but multiplies its fuels by kgCO2 factors has not counted them.

    Fails:
        本次核查主要包括二氧化碳（CO₂） ; inventory: 柴油, 天然气
    Passes:
        本次评价包括二氧化碳（CO₂）、甲烷（CH₄）和氧化亚氮（N₂O） ; inventory: 柴油, 天然气
    """

    code = "CON004"
    checklist = "gases"
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
            co2_only = sorted({f"{ln.item} {ln.factor.text} {ln.factor.unit}" for st in report.inventory.stages
                               for ln in st.lines if ln.item in fuels and ln.factor and ln.factor.unit
                               and ln.factor.unit.split("/")[0].endswith("CO2")})
            if co2_only:
                yield self.finding(
                    T("CON004.co2-only-factors", gases=J(m.gases, "and"), factors=J(co2_only, "semicolon")),
                    evidence=([m.gases_text.text] if m.gases_text else []) + co2_only,
                    location=m.gases_text.location if m.gases_text else None)
            return
        yield self.finding(
            T("CON004.gases-missing", gases=J(m.gases, "and"), fuels=J(fuels, "and"), missing=J(missing, "and")),
            evidence=[m.gases_text.text] + fuels if m.gases_text else fuels,
            location=m.gases_text.location if m.gases_text else None)


# ---------------------------------------------------------------- functional unit, product identity, standards

# printed unit words -> what they mean; words in one group are the same unit
FU_UNITS = {
    "kg": ["kg", "千克", "公斤"], "t": ["t", "吨"], "g": ["g", "克"], "km": ["km", "千米", "公里"], "m": ["m", "米"],
    "m2": ["m2", "m²", "平方米"], "m3": ["m3", "m³", "立方米", "方"], "kWh": ["kwh", "kw·h", "千瓦时", "度"],
    "MWh": ["mwh", "兆瓦时"], "L": ["l", "升"], "unit": ["unit", "units", "piece", "pieces", "pcs", "pc"],
    **{w: [w] for w in "台件套个块只根片组辆瓶箱卷盘张支株座樘"},
}
_FU_WORDS = sorted(((w, k) for k, ws in FU_UNITS.items() for w in ws), key=lambda x: -len(x[0]))
_FU_ALT = "|".join(regex.escape(w) for w, _ in _FU_WORDS)
FU_PHRASE = regex.compile(rf"^\s*(?:1|一|每)\s*(?P<unit>{_FU_ALT})(?![A-Za-z])\s*(?P<rest>.*)$", regex.I)


def _unit_key(word: str) -> str | None:
    w = fold(word).strip().lower().replace(" ", "")
    return next((k for ww, k in _FU_WORDS if ww.lower() == w), None)


def fu_statements(report: Report) -> list[tuple[Msg, str | None, str, Location | None]]:
    """(place, unit key, printed word, location) for every statement of the functional unit: the cover box
    (功能单位 台), the sentences '功能单位定义为：1 台...', and the per-unit part of the results header (kgCO2e/台)."""
    out: list[tuple[Msg, str | None, str, Location | None]] = []
    for t in report.metadata.functional_unit:
        txt = fold(t.text).strip()
        k = _unit_key(txt)
        if k:
            out.append((T("place.fu-box"), k, txt, t.location))
            continue
        m = FU_PHRASE.match(txt)
        if m:
            out.append((T("place.quoted", text=txt), _unit_key(m.group("unit")), m.group("unit"), t.location))
    if report.results and report.results.rows:
        q = report.results.rows[0].value
        ut = fold(q.unit_text or "")
        if "/" in ut:
            per = ut.rsplit("/", 1)[1].strip(" ()（）")
            k = _unit_key(per)
            if k:
                out.append((T("place.results-header"), k, per, q.location))
    return out


class FunctionalUnitConsistent(Rule):
    """The functional unit is the same wherever it is stated: the cover box, the definition in 3.2.1, the summary
    and the per-unit results header.

    Why: every number in the report is per functional unit; "per 台" in one place and "per kg" in another means
    either the results or the definition is wrong, and the footprint cannot be compared with anything.

    Fails:
        cover box 功能单位: 台 ; 3.2.1 功能单位定义为：1 件智能型综合配电箱 JP ; results header kgCO₂ eq/台
    Passes:
        cover box 功能单位: 台 ; 3.2.1 功能单位定义为：1 台智能型综合配电箱 JP ; results header kgCO₂ eq/台
    """

    code = "CON005"
    checklist = "functional-unit"
    name = "functional-unit-inconsistent"
    category = "consistency"
    severity = "error"

    def check(self, report: Report, ctx: Context):
        stmts = fu_statements(report)
        keys: dict[str | None, list] = {}
        for s in stmts:
            keys.setdefault(s[1], []).append(s)
        if len(keys) < 2:
            return
        ranked = sorted(keys.values(), key=len, reverse=True)
        majority = ranked[0] if len(ranked[0]) > len(ranked[1]) else None
        for group in ranked[1 if majority else 0:]:
            for place, key, word, loc in group:
                others = [s for s in stmts if s[1] != key]
                yield self.finding(
                    T("CON005.mismatch", place=place, word=word,
                      others=J([T("CON005.stated-as", place=p, word=w) for p, _, w, _ in others], "comma")),
                    values=[word], expected=majority[0][2] if majority else None,
                    evidence=[str(p) for p, *_ in stmts], location=loc,
                    detail=Detail(steps=[T("step.name-value", name=p, value=w) for p, _, w, _ in stmts]))


GENERIC = {"产品", "本产品", "该产品", "此产品", "产品单元", "product", "theproduct", "unit"}


class ProductIdentity(Rule):
    """The product and model are named the same way on the cover and in the functional-unit sentences
    ('1 台智能型综合配电箱 JP').

    Why: a report whose functional unit names another product or model was edited from another report, or
    covers something else than its cover says; a verifier must not sign a footprint for the wrong product.

    Fails:
        产品名称：智能型综合配电箱 ; 产品规格型号：JP ; 功能单位定义为：1 台户外计量配电箱 XL
    Passes:
        产品名称：智能型综合配电箱 ; 产品规格型号：JP ; 功能单位定义为：1 台智能型综合配电箱 JP
    """

    code = "CON008"
    name = "product-identity-inconsistent"
    category = "consistency"
    severity = "warning"

    def check(self, report: Report, ctx: Context):
        m = report.metadata
        if m.product is None and m.model is None:
            return
        product_text = m.product.text if m.product else ""   # as printed; "" when the cover names none
        model_text = m.model.text if m.model else ""
        product = norm(product_text) if m.product else ""
        model = norm(model_text) if m.model else ""
        phrases = [(t.text, t.location) for t in m.functional_unit]
        phrases += [(q.text, q.value.location) for q in report.quotes if q.stage is None]
        seen = set()
        for text, loc in phrases:
            fm = FU_PHRASE.match(fold(text).strip().lstrip("“\"'"))
            if not fm:
                continue
            rest = norm(regex.split(r"[“\"「(（]", fm.group("rest"))[0])
            # "1台产品的碳足迹为 1,161.17": what follows 的碳足迹 / 的排放 or a number names no product
            rest = regex.split(r"的(?:产品)?(?:碳足迹|温室气体|碳排放|排放)|碳足迹|[为是]\s*[\d.,]+", rest)[0]
            if not rest or rest in seen:
                continue
            seen.add(rest)
            if product and product not in rest:
                name_part = regex.sub(r"[A-Za-z0-9\-_/.]+$", "", rest)
                if name_part and name_part not in GENERIC and name_part not in product:
                    yield self.finding(
                        T("CON008.other-product", product=product_text, text=text.strip()[:60], name=name_part),
                        values=[], evidence=[product_text, text.strip()[:80]], location=loc, expected=product_text)
                    continue
            if model and product and product in rest:
                raw = fold(fm.group("rest"))
                pm = regex.search(r"\s*".join(map(regex.escape, fold(product_text).replace(" ", ""))), raw)
                tail = raw[pm.end():].strip() if pm else rest.split(product, 1)[1]
                token = regex.match(r"^[A-Za-z0-9][A-Za-z0-9\-_/.]*", tail)
                if token and norm(token.group(0)) != model:
                    yield self.finding(
                        T("CON008.other-model", model=model_text, text=text.strip()[:60], token=token.group(0)),
                        evidence=[model_text, text.strip()[:80]], location=loc, expected=model_text, values=[])


STANDARD_RE = regex.compile(
    r"(?P<body>GB/T|GB|ISO/TS|ISO|PAS)\s*(?P<num>\d{3,5}(?:\.\d+)?(?:-\d{1,2}(?=\s*:))?)\s*[-:：]\s*"
    r"(?P<year>(?:19|20)\d{2})(?!\d)", regex.I)


class StandardSettings(BaseModel):
    model_config = ConfigDict(defer_build=True)
    editions: dict[str, list[int]] = Field(
        default_factory=lambda: {"GB/T 24067": [2024], "ISO 14067": [2018], "ISO/TS 14067": [2013],
                                 "PAS 2050": [2008, 2011], "ISO 14040": [2006], "ISO 14044": [2006],
                                 "GB/T 24040": [2008], "GB/T 24044": [2008], "ISO 14064-1": [2006, 2018]},
        description="published editions per standard; a cited year outside these is reported")
    superseded: dict[str, str] = Field(
        default_factory=lambda: {"ISO/TS 14067:2013": "ISO 14067:2018", "PAS 2050:2008": "PAS 2050:2011",
                                 "ISO 14064-1:2006": "ISO 14064-1:2018"},
        description="editions replaced by a newer one")


class StandardCited(Rule[StandardSettings]):
    """The standard the report follows is cited with the same edition everywhere, and that edition exists.

    Why: GB/T 24067-2024 and ISO 14067:2018 are the current editions; a report citing GB/T 24067-2024 on the
    cover and GB/T 24067-2023 in the method section, or an edition that was never published, was assembled from
    different sources, and the requirements it claims to meet are unclear. A superseded edition is noted.

    Fails:
        cover: GB/T 24067-2024/ISO 14067:2018 ; 3.1: 根据 GB/T 24067-2023 标准的要求
    Passes:
        cover: GB/T 24067-2024/ISO 14067:2018 ; 3.1: 根据 GB/T 24067-2024/ISO 14067:2018 标准的要求
    """

    code = "CON006"
    name = "standard-cited-inconsistently"
    category = "consistency"
    severity = "warning"
    Settings = StandardSettings

    def check(self, report: Report, ctx: Context):
        cited: dict[str, list[tuple[int, str, Location | None]]] = {}
        for t in report.metadata.standard:
            for mm in STANDARD_RE.finditer(fold(t.text)):
                body = mm.group("body").upper()
                family = f"{body} {mm.group('num')}"
                cited.setdefault(family, []).append((int(mm.group("year")), mm.group(0), t.location))
        editions = self.settings.editions
        for family, hits in cited.items():
            years = sorted({y for y, _, _ in hits})
            if len(years) > 1:
                counts = {y: sum(1 for h in hits if h[0] == y) for y in years}
                odd = [h for h in hits if counts[h[0]] < max(counts.values())] or hits
                sep = "-" if family.startswith("GB") else ":"
                yield self.finding(
                    T("CON006.editions", family=family, citations=J(
                        [T("CON006.cited-as", citation=f"{family}{sep}{y}", n=counts[y]) for y in years], "and")),
                    values=[str(y) for y in years], evidence=sorted({h[1] for h in hits}), location=odd[0][2],
                    expected=str(max(counts, key=counts.__getitem__)) if len(set(counts.values())) > 1 else None)
            known = editions.get(family)
            for y in years:
                text = next(h[1] for h in hits if h[0] == y)
                loc = next(h[2] for h in hits if h[0] == y)
                key = f"{family}:{y}"
                if known and y not in known:
                    yield self.finding(
                        T("CON006.no-such-edition", text=text, family=family, year=str(y),
                          published=J([str(k) for k in known], "comma")),
                        values=[str(y)], expected=str(known[-1]), evidence=[text], location=loc)
                elif key in self.settings.superseded:
                    yield self.finding(T("CON006.superseded", text=text, by=self.settings.superseded[key]),
                                       evidence=[text], location=loc, severity="info")


class GwpValues(Rule):
    """The GWP100 values the report prints (CH4, N2O, ...) are those of the assessment report it names.

    Why: CH4 is 21 in SAR, 25 in AR4, 28 in AR5 and 27.9 in AR6; a report that names AR6 but multiplies methane
    by 25 uses AR4 values, and its CO2e figures are not what it says. Without a named report, values from
    different assessment reports must not be mixed. AR5's climate-carbon-feedback values (CH4 34, N2O 298) and
    fossil methane (AR5 30, AR6 29.8) are accepted as that report's.

    Fails:
        采用 IPCC 第六次评估报告 ; CH₄ 的 GWP 值为 25
    Passes:
        采用 IPCC 第六次评估报告 ; CH₄ 的 GWP 值为 27.9
    """

    code = "CON007"
    checklist = "gases"
    name = "gwp-value-mismatch"
    category = "consistency"
    severity = "error"

    def check(self, report: Report, ctx: Context):
        m = report.metadata
        lib = ctx.library
        values = [g for g in m.gwp_values if g.gas]
        if not values or lib.gwp is None:
            return
        named = m.gwp_report
        if named:
            for g in values:
                gas = _gas_key(g.gas)
                expected = lib.gwp_values(gas, named)
                if not expected or any(ctx.interval(g.value).contains(v) for v in expected):
                    continue
                others = lib.gwp_reports_for(gas, g.value.value)
                msg = T("CON007.mismatch-value-of" if others else "CON007.mismatch", gas=gas, printed=g.value.text,
                        named=named, source=m.gwp_source.text if m.gwp_source else named,
                        expected=str(expected[0].normalize()), reports=J(others, "slash"))
                yield self.finding(
                    msg, values=[g.value.text], expected=str(expected[0].normalize()),
                    evidence=[x for x in (g.text, m.gwp_source.text if m.gwp_source else None) if x],
                    location=g.value.location,
                    cause=T("CON007.values-of-other-report", reports=J(others, "slash"), named=named)
                    if others else None)
            return
        sets = {}
        for g in values:
            ars = lib.gwp_reports_for(_gas_key(g.gas), g.value.value)
            if ars:
                sets[g.gas] = (set(ars), g)
        if len(sets) >= 2 and not set.intersection(*(s for s, _ in sets.values())):
            yield self.finding(
                T("CON007.mixed-reports", values=J([T("CON007.gas-value", gas=gas, value=g.value.text,
                                                       reports=J(sorted(s), "slash"))
                                                     for gas, (s, g) in sets.items()], "semicolon")),
                values=[g.value.text for _, g in sets.values()], evidence=[g.text for _, g in sets.values() if g.text],
                location=next(iter(sets.values()))[1].value.location, severity="warning")


def _gas_key(gas: str) -> str:
    g = fold(gas).replace(" ", "").upper()
    return {"HFC134A": "HFC-134a", "HFC-134A": "HFC-134a", "HFC32": "HFC-32", "HFC-32": "HFC-32"}.get(g, g)
