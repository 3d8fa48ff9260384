"""Electricity rules: the grid factor equals the official one the report cites; market-based claims name their
evidence and the report states its electricity basis (ISO 14067:2018 / GB/T 24067-2024, its treatment of electricity)."""
from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from auditor import regexes as regex
from auditor.engine.base import Context, Rule
from auditor.i18n import J, Msg, T
from auditor.model import Detail, Finding, InventoryLine, Quantity, Report

ELEC_ITEM = regex.compile(r"^(?:外购|购入|电网|网|市)?(?:电力|电|电能|用电|网电|市电)(?:消耗|消耗量|使用)?$|"
                          r"^(?:grid |purchased |mains )?electricity(?: \(grid\)| consumption| use)?$|^grid power$",
                          regex.I)
UNIT = regex.compile(r"^(?P<mass>g|kg|t)CO2(?P<e>e)?/(?P<per>kWh|MWh)$")
MASS = {"g": Decimal("0.001"), "kg": Decimal(1), "t": Decimal(1000)}
PER = {"kWh": Decimal(1), "MWh": Decimal(1000)}
NATIONAL = ("全国", "national", "china", "chinese", "中国")


def _norm_item(item: str | None) -> str:
    return regex.sub(r"\s+", " ", (item or "").strip()).lower().replace("（", "(").replace("）", ")")


def electricity_lines(report: Report) -> Iterator[tuple[InventoryLine, Decimal, str | None]]:
    """Inventory lines of grid electricity with a factor per kWh or MWh: (line, factor in kg per kWh, series)."""
    if report.inventory is None:
        return
    for st in report.inventory.stages:
        for ln in st.lines:
            q = ln.factor
            if q is None or not ELEC_ITEM.match(_norm_item(ln.item)):
                continue
            if q.unit is None:
                # the unit in a header the line did not keep: a grid factor per kWh when it is one's size
                if Decimal("0.01") <= q.value <= Decimal("1.5") or q.value == 0:
                    yield ln, q.value, None
                continue
            m = UNIT.match(q.unit.replace("₂", "2"))
            if m is None:
                continue
            v = q.value * MASS[m["mass"]] / PER[m["per"]]
            yield ln, v, "CO2e" if m["e"] else "CO2"


def _official(ctx: Context) -> list[tuple[Decimal, int, str, str]]:
    """Every official electricity value the library holds: (value, year, region, the id of its kind in words:
    'national footprint', 'regional CO2' ...)."""
    lib = ctx.library
    out = [(f.value, f.vintage, "national", "word.national-footprint" if f.series == "CO2e" else "word.national-co2")
           for f in lib.electricity() if f.confidence == "official" and f.vintage]
    for table, word in ((lib.regional_co2, "word.regional-co2"), (lib.provincial_co2, "word.provincial-co2")):
        if table is None or table.confidence != "official":
            continue
        for region, vals in table.values.items():
            if region == "全国":
                continue
            for y, v in zip(table.years, vals):
                if v is not None:
                    out.append((v, y, region, word))
    return out


def _which(value: Decimal, ctx: Context) -> list[Msg]:
    """The official values the value is: 'the 2023 national CO2 factor', 'the 2023 浙江 provincial CO2 factor'."""
    return [T("FAC011.factor", year=str(y), kind=T(w)) if r == "national" else
            T("FAC011.region-factor", year=str(y), region=r, kind=T(w))
            for v, y, r, w in _official(ctx) if v == value]


def _line(ln: InventoryLine, q: Quantity) -> str:
    """The line as printed: '电力 0.5777 kgCO2e/kWh'."""
    return " ".join(x for x in (ln.item, q.text, q.unit) if x)


def _is_national(region: str | None) -> bool:
    return region is None or region.strip().lower() in NATIONAL


def _agrees(ctx: Context, q, v: Decimal, ref: Decimal) -> bool:
    """The printed factor (v in kg per kWh) can be the reference value."""
    if v == ref:
        return True
    return q.value == v and ctx.interval(q).contains(ref)


class ElectricityFactorOfficial(Rule):
    """The inventory's grid-electricity factor equals the official value for the year and region the report cites.

    Why: the national electricity footprint and CO2 factors and the regional and provincial grid CO2 factors are
    published numbers (2024 footprint 0.5777 kgCO2e/kWh; 2023 CO2 0.5306; 华东 2022 0.5617; 浙江 2023 0.4974).
    A factor that is not the value of the year, region and series the report cites was not taken from the source
    it names; one that is another year's or region's value says which. The report's cited year and region are read
    from the factor sentence or a factor table of one region; the company address alone is only a hint (info). An
    error when the cited year and region are both known, a warning when only the year is (the national value is
    assumed); a region or year the library does not hold, or a grid outside China, is at most an info finding.

    Fails:
        电力 | 1200 kWh | 0.5777 kgCO2e/kWh, the report cites 2023 年全国电力平均碳足迹因子
        电力 | 1200 kWh | 0.5306 kgCO2/kWh, the report cites 浙江省 2023 年电力平均二氧化碳排放因子 (0.4974)
    Passes:
        电力 | 1200 kWh | 0.5777 kgCO2e/kWh, the report cites the 2024 national footprint factor
        电力 | 1200 kWh | 0.5617 kgCO2/kWh, the report cites the 2022 华东电网 factor
        electricity | 3,400 kWh | 0.38 kgCO2e/kWh (German grid): nothing stronger than info
    """

    code = "FAC011"
    name = "electricity-factor-official"
    checklist = "electricity"
    severity = "error"

    def check(self, report: Report, ctx: Context) -> Iterator[Finding]:
        el = report.electricity
        lines = list(electricity_lines(report))
        if not lines:
            return
        lib = ctx.library
        year, region = el.vintage, el.region
        for ln, v, unit_series in lines:
            q = ln.factor
            assert q is not None
            if v == 0 or (el.market_claims and v < Decimal("0.1")):
                continue       # a market-based factor: FAC012's business
            series = el.series or unit_series
            others = _which(v, ctx)
            if region is not None and not _is_national(region):
                hit = None
                held = []
                for table in (lib.regional_co2, lib.provincial_co2):
                    if table is None:
                        continue
                    r = table.region(region)
                    if r is not None:
                        held.append((table, r))
                if not held:
                    if regex.search(r"[\p{Han}]", region):
                        grids = [k for k in (lib.regional_co2.values if lib.regional_co2 else {}) if k != "全国"]
                        provs = list(lib.provincial_co2.values) if lib.provincial_co2 else []
                        said = {"line": _line(ln, q), "region": region,
                                "regions": J(grids, "comma") if grids else T("word.none"),
                                "provinces": J(provs, "comma") if provs else T("word.none")}
                        yield self.finding(
                            T("FAC011.region-unknown-other", printed=q.text, other=others[0], **said) if others
                            else T("FAC011.region-unknown", **said),
                            severity="info", values=[q.text], evidence=[el.region_text.text if el.region_text else region],
                            location=q.location)
                    continue      # a grid outside China: nothing to compare with
                if year is None:
                    continue
                for table, r in held:
                    val = table.value(r, year)
                    if val is not None:
                        hit = (val, r, table)
                        break
                if hit is None:
                    years = sorted({y for t, _ in held for y in t.years})
                    yield self.finding(
                        T("FAC011.year-unknown", line=_line(ln, q), region=region, years=J(map(str, years), "comma"),
                          year=str(year)),
                        severity="info", values=[q.text], location=q.location)
                    continue
                val, r, _ = hit
                if _agrees(ctx, q, v, val):
                    continue
                yield self._mismatch(ln, q, v, val, T("FAC011.what-region", year=str(year), region=region), year,
                                     others, "error")
                continue
            # national (cited explicitly or assumed)
            if year is None:
                continue
            refs = [f for f in (lib.official_national(year, s) for s in ([series] if series else ["CO2e", "CO2"]))
                    if f is not None]
            if not refs:
                continue
            if any(_agrees(ctx, q, v, f.value) for f in refs):
                continue
            ref = refs[0]
            what = T("word.official-factor", year=str(year),
                     kind=T("word.national-footprint" if ref.series == "CO2e" else "word.national-co2"))
            if region is None and el.address_region:
                if any(r == el.address_region and val == v for val, _, r, _ in _official(ctx)):
                    yield self.finding(
                        T("FAC011.address-province", line=_line(ln, q), province=el.address_region, what=what,
                          value=str(ref.value)),
                        severity="info", values=[q.text], expected=str(ref.value), location=q.location)
                    continue
            yield self._mismatch(ln, q, v, ref.value, what, year, others,
                                 "error" if region is not None else "warning")

    def _mismatch(self, ln, q, v, expected, what: Msg, year, others: list[Msg], severity) -> Finding:
        said = {"line": _line(ln, q), "what": what, "expected": str(expected)}
        return self.finding(
            T("FAC011.not-official-other", printed=q.text, other=others[0], year=str(year), **said) if others
            else T("FAC011.not-official", **said),
            severity=severity, values=[q.text], expected=str(expected), location=q.location,
            cause=T("FAC011.cause", other=others[0]) if others else None,
            detail=Detail(steps=[T("FAC011.step-per-kwh", printed=" ".join(x for x in (q.text, q.unit) if x),
                                   value=str(v)),
                                 T("step.name-value", name=what, value=str(expected))]
                          + [T("FAC011.step-is", printed=q.text, other=o) for o in others]))


class MarketBasedEvidence(Rule):
    """A market-based electricity claim names its evidence, and a report using renewables or a supplier factor says
    whether its electricity factor is location- or market-based.

    Why: green electricity, green certificates (绿证, GEC, I-REC, REC), PPAs (购电协议, 直购电) and supplier factors
    may lower the electricity factor only with the contractual instruments behind them (ISO 14067:2018 / GB/T 24067-2024, on electricity):
    certificate numbers or quantities, the contract, the supplier. A claim without them, or an electricity factor of
    0 or far below any grid value without a claim and evidence, is an error and a nonconformity. A report with
    renewables or a supplier factor that does not state its basis is a warning. A plain grid-average
    (location-based) report needs no statement.

    Fails:
        电力 factor 0 kgCO2e/kWh, '生产用电全部为绿色电力' and no certificate, contract or supplier named
        'We purchased RECs for our electricity' with no quantity, certificate number or supplier
    Passes:
        '购买绿色电力证书 1200 张（证书编号 GEC-2024-0001...），采用基于市场的方法'
        a grid-average factor 0.5777 kgCO2e/kWh with no market-based claim
    """

    code = "FAC012"
    name = "market-based-evidence"
    checklist = "electricity"
    severity = "error"
    nonconformity = True

    def check(self, report: Report, ctx: Context) -> Iterator[Finding]:
        el = report.electricity
        low = [(ln, v) for ln, v, _ in electricity_lines(report) if v < Decimal("0.05")]
        claims = el.market_claims
        if not claims and not low and el.supplier_factor is None:
            return
        where = claims[0].location if claims else (low[0][0].factor.location if low and low[0][0].factor else None)
        if (claims or low) and not el.evidence:
            msg = T("FAC012.no-evidence-claim", claim=claims[0].text) if claims else \
                T("FAC012.no-evidence-low", item=low[0][0].item or "",
                  factor=low[0][0].factor.text if low[0][0].factor else "")
            yield self.finding(
                msg, values=[c.text for c in claims[:3]] or [str(low[0][1])],
                evidence=[c.text for c in claims[:5]], location=where,
                cause=T("FAC012.cause"))
        if el.basis is None and (claims or low or el.supplier_factor is not None):
            yield self.finding(
                T("FAC012.no-basis"), severity="warning",
                evidence=[c.text for c in claims[:3]] + ([el.supplier_factor.text] if el.supplier_factor else []),
                location=where)
