"""Emission factors: against the reference library, their units, vintages and the tables they come in."""
from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field
from rapidfuzz import fuzz

from auditor import regexes as regex
from auditor.engine.base import Context, Rule
from auditor.engine.diagnose import close, decimal_shift, digit_slip, energy_basis, implied_match, unit_slip
from auditor.engine.facts import inventory_lines, line_interval, unit_scale
from auditor.engine.reference import MASS_PER, RefFactor, per_scale
from auditor.i18n import J, Msg, T
from auditor.model import Detail, Location, Report, Severity
from auditor.numbers import Interval, fold, sig
from auditor.units import FactorUnit, emission_unit, factor_unit
from auditor.vocab import norm

FAR = Decimal(10)           # this many times outside the plausible range: an error, whatever the cause
COVERAGE_LISTED = 12        # items named in the coverage note
PHYSICAL = {"kg", "t", "g", "m3", "L", "10^4 m3"}


class FactorEnergyBasis(Rule):
    """A factor printed beside activity data in kg, t or m³ is not the per-energy value (tCO2/GJ) of that fuel.

    Why: fuel defaults are published per GJ (0.0726 tCO2/GJ for diesel) and per physical unit (3.0959 kgCO2/kg).
    Printing the per-GJ figure beside kilograms makes the line impossible to recompute; usually the arithmetic
    used the right per-kg value and only the printed factor is wrong, sometimes the other way round.

    Fails:
        柴油 | 0.3600 kg | factor 0.0726      (0.0726 is diesel's tCO2/GJ)
    Passes:
        柴油 | 0.3600 kg | factor 3.0959 kgCO2/kg
    """

    code = "FAC001"
    name = "factor-energy-basis"
    category = "factor"
    severity = "error"

    def check(self, report: Report, ctx: Context):
        groups: dict[tuple[str, str], list] = {}
        for st, ln in inventory_lines(report):
            if ln.factor is None or ln.activity is None or not ln.item:
                continue
            if ln.activity.unit not in PHYSICAL and ln.activity.unit is not None:
                continue
            fu = factor_unit(ln.factor.unit) if ln.factor.unit else None
            if fu is not None and fu.per in ("GJ", "MJ", "TJ"):
                continue   # honestly labelled per energy: the unit algebra rule deals with it
            ref = energy_basis(ln.factor.value, ln.factor.decimals, ctx.library.for_item(ln.item))
            if ref is None:
                continue
            groups.setdefault((ln.item, ln.factor.text), []).append((st, ln, ref))
        for (item, ftext), hits in groups.items():
            st, ln, ref = hits[0]
            implied = self._implied(report, hits, ctx)
            said = {"item": item, "factor": ftext, "unit": ln.activity.unit or "?", "ref_item": ref.item,
                    "energy_unit": ref.per_energy.unit, "energy_value": str(ref.per_energy.value), "per": ref.per,
                    "default": f"{ref.value} {ref.unit}"}
            msg = T("FAC001.energy-basis-implied", implied=implied, **said) if implied else \
                T("FAC001.energy-basis", **said)
            stages = sorted({h[0].stage.name for h in hits})
            yield self.finding(
                msg, values=[ftext], expected=str(ref.value), evidence=[f"{item} {ln.activity.unit_text or ''}".strip()]
                + stages, location=ln.factor.location, stage=st.stage.canonical,
                cause=T("FAC001.cause", per=ref.per),
                detail=Detail(stated=ftext, computed=str(ref.value),
                              steps=[T("FAC001.step-reference", id=ref.id, value=f"{ref.value} {ref.unit}",
                                       energy=f"{ref.per_energy.value} {ref.per_energy.unit}", source=ref.source),
                                     T("FAC001.step-used-in", n=len(hits), lines=J(
                                         [T("word.with-note", text=h[0].stage.name,
                                            note=f"{h[1].activity.text} {h[1].activity.unit or ''}".strip())
                                          for h in hits], "comma"))]))

    @staticmethod
    def _implied(report: Report, hits, ctx: Context) -> Msg | None:
        """The factor the printed emissions imply, from lines with their own emissions or single-line stages."""
        for _st, ln, ref in hits:
            if ln.emissions is not None:
                iv = ctx.interval(ln.emissions) / ctx.interval(ln.activity)
                if iv.bounded:
                    return T("FAC001.implied-line", value=f"{sig(iv.mid, 4)} {ref.unit}", emissions=ln.emissions.text,
                             activity=ln.activity.text)
        emissions_unit = report.inventory.emissions_unit if report.inventory else None   # hits are its lines
        for st, ln, ref in hits:
            if st.emissions is None:
                continue
            others = [o for o in st.lines if o is not ln]
            parts = [line_interval(o, ctx.interval, emissions_unit) if o.emissions is None
                     else ctx.interval(o.emissions) for o in others]
            known = [p for p in parts if p is not None]
            if len(known) < len(parts):
                continue
            rest = sum(known, Interval.exact(Decimal(0)))
            iv = (ctx.interval(st.emissions) - rest) / ctx.interval(ln.activity)
            if iv.bounded and iv.mid > 0:
                return T("FAC001.implied-stage", value=f"{sig(iv.mid, 4)} {ref.unit}", stage_value=st.emissions.text)
        return None


WASTE_WORDS = regex.compile(
    r"废|报废|回收|再生|填埋|焚烧|边角料|下脚料|"
    r"(?<![a-z])(?:waste|scraps?|recycling|recycle|recycled|post[- ]consumer|secondary|landfill\w*|incinerat\w*|"
    r"offcuts?|disposal|end[- ]of[- ]life)(?![a-z])|(?<![a-z])r(?:hdpe|ldpe|pet|pp|pe|abs|ps)(?![a-z])")


def national_series(series: str) -> str:
    """The words for a national electricity factor series: the id of 'national footprint' or 'national CO2'."""
    return "word.national-footprint" if series == "CO2e" else "word.national-co2"


def is_waste(item: str) -> bool:
    """An item that is waste, scrap or its treatment (废钢材, 回收, landfill, steel offcuts): its factor is a
    treatment factor, never the production factor of the material it names."""
    return WASTE_WORDS.search(fold(item).lower()) is not None


def _short(v: Decimal, digits: int = 4) -> str:
    """A number to a few significant digits without trailing zeros: 0.00205, 2.4, 13."""
    t = sig(v, digits)
    return t.rstrip("0").rstrip(".") if "." in t else t


def _printed_unit(q) -> FactorUnit | None:
    """The factor's unit, from the normalised unit or, failing that, as printed ('tCO2/10^4 m3' does not parse
    back, '吨CO2/万立方米' does)."""
    for text in (q.unit, q.unit_text):
        fu = factor_unit(text) if text else None
        if fu is not None:
            return fu
    return None


def factor_scales(fu: FactorUnit | None, per: str | None, ref: RefFactor,
                  emissions_unit: str | None) -> list[Decimal]:
    """What the printed factor is multiplied by to be in the reference's unit: 2,380 kgCO2e/t -> x0.001 (2.38
    kgCO2e/kg), 2.38 tCO2e/t -> x1, 0.5777 tCO2e/MWh -> x1, 21.62 tCO2/10^4 m3 -> x0.1 (2.162 kgCO2/m3).
    A factor printed without a unit takes the inventory's emissions unit; when that is unknown too, both kg and
    t of CO2e are possible."""
    ref_unit = factor_unit(ref.unit)
    if ref_unit is None or per is None:
        return [Decimal(1)]
    per_k = per_scale(per, ref_unit.per)
    ref_mass = MASS_PER[ref_unit.emission.mass]
    if fu is not None:
        masses = [fu.emission.mass]
    else:
        eu = emission_unit(emissions_unit) if emissions_unit else None
        masses = [eu.mass] if eu is not None else (["kg", "t"] if per != ref_unit.per else ["kg"])
    return [MASS_PER[m] / ref_mass / per_k for m in masses]


class FactorReference(Rule):
    """A factor agrees with the reference library for its material, energy carrier or transport mode: no decimal
    shift or kg/t slip, no value outside the plausible range. Factors without a reference are counted.

    Why: a thousand-fold slip (29.004 tCO2e/kg for aluminium, a per-t value under a per-kg label) or a factor ten
    times too small passes every sum but misstates the footprint. Official values are compared exactly, database
    values as ranges. A factor per t is compared with a per-kg reference after conversion (2,380 kgCO2e/t is 2.38
    kgCO2e/kg). A factor a power of ten (or far) outside the range is an error naming the likely cause; one merely
    outside the range (within a few times) a warning. Waste, scrap and end-of-life treatment lines are not
    compared with the production factor of the material they name (废钢材 0.045 is a treatment factor, not steel).
    One info finding lists the factors the library cannot judge, so the verifier sees how much was checked.

    Fails:
        钢材 | 120 kg | factor 20.5 kgCO2e/kg      (steel is about 2.05; 10x)
        铝材 | 3 kg | factor 20300 kgCO2e/kg       (the per-t value under a per-kg label)
    Passes:
        钢材 | 120 kg | factor 2.05 kgCO2e/kg
        热轧型钢 | 0.0147 t | factor 2,380 kgCO2e/t
        产品处置 | 废钢材 | 89.24 kg | factor 0.045 kgCO2e/kg
    """

    code = "FAC002"
    name = "factor-reference-mismatch"
    category = "factor"
    severity: ClassVar[Severity] = "warning"

    coverage = False      # FactorCoverage reports what this rule could not judge

    def check(self, report: Report, ctx: Context):
        seen = set()
        emissions_unit = report.inventory.emissions_unit if report.inventory else None
        judged = 0
        unjudged: list[tuple[str, Msg, Location | None]] = []   # (item, why, location)
        for st, ln in inventory_lines(report):
            if ln.factor is None or not ln.item:
                continue
            key = (ln.item, ln.factor.text, ln.factor.unit)
            if key in seen:
                continue
            seen.add(key)
            fu = _printed_unit(ln.factor)
            if fu is not None and fu.per in ("GJ", "MJ", "TJ"):
                continue   # honestly labelled per energy: the unit algebra rule deals with it
            per = fu.per if fu is not None else (ln.activity.unit if ln.activity is not None else None)
            waste = is_waste(ln.item) or st.stage.canonical == "end_of_life"
            refs = ctx.library.for_item(ln.item, per=per)
            if waste:
                refs = [r for r in refs if r.kind != "material"]
            if not refs:
                why = T("FAC010.why-waste") if waste else \
                    T("FAC010.why-no-basis", per=per or "?") if ctx.library.for_item(ln.item) else \
                    T("FAC010.why-no-reference")
                unjudged.append((ln.item, why, ln.factor.location))
                continue
            judged += 1
            if energy_basis(ln.factor.value, ln.factor.decimals, refs):
                continue   # the per-GJ value beside kg or m3: FAC001's finding
            if not self.coverage:
                yield from self._judge(st, ln, fu, per, refs, emissions_unit, ctx)
        if unjudged and self.coverage:
            yield self._coverage(unjudged, judged + len(unjudged), report)

    def _judge(self, st, ln, fu, per, refs: list[RefFactor], emissions_unit, ctx: Context):
        printed = ctx.interval(ln.factor)
        candidates = []   # (ref, scale, value in the reference's unit, lo, hi)
        for r in refs:
            lo, hi = self._range(r)
            for k in factor_scales(fu, per, r, emissions_unit):
                candidates.append((r, k, ln.factor.value * k, lo, hi))
                if implied_match(printed.scale(k), [r]) is not None or lo <= ln.factor.value * k <= hi:
                    return
        ref, scale, value, lo, hi = candidates[0]
        printed_unit = ln.factor.unit_text or ln.factor.unit
        converted = scale != 1
        factor = T("word.with-note", text=ln.factor.text, note=f"= {_short(value)} {ref.unit}") if converted \
            else ln.factor.text
        ranges = [(r, rlo, rhi) for r, _, _, rlo, rhi in candidates]
        steps = [T("FAC002.step-reference", id=r.id, value=f"{r.value} {r.unit}", range=f"{rlo}-{rhi}", source=r.source)
                 for r, rlo, rhi in [x for i, x in enumerate(ranges) if x[0] not in [y[0] for y in ranges[:i]]]]
        if converted:
            steps.append(T("FAC002.step-converted", printed=f"{ln.factor.text} {printed_unit or ''}".strip(),
                           scale=_short(scale), value=f"{_short(value)} {ref.unit}"))
        shift = self._off_by(value, ref.value, printed_unit) \
            or self._shift_into_range(value, [(r, rlo, rhi) for r, rlo, rhi in ranges if r is ref] or ranges)
        plausible = f"{lo}-{hi} {ref.unit}"
        if value <= 0:
            yield self.finding(
                T("FAC002.not-positive", item=ln.item, factor=ln.factor.text, ref_item=ref.item, range=plausible),
                values=[ln.factor.text], expected=str(ref.value), evidence=[ln.item],
                location=ln.factor.location, stage=st.stage.canonical,
                cause=T("FAC002.not-positive-cause"),
                detail=Detail(stated=ln.factor.text, computed=str(ref.value), steps=steps))
            return
        out = value / hi if value > hi else lo / value
        said = {"item": ln.item, "factor": factor, "range": plausible, "value": str(ref.value), "source": ref.source,
                "times": _short(out, 2)}
        above = value > hi
        if shift:
            how, cause = shift
            yield self.finding(
                T("FAC002.shifted", item=ln.item, factor=factor, how=how, reference=f"{ref.value} {ref.unit}"),
                values=[ln.factor.text], expected=str(ref.value), evidence=[ln.item], location=ln.factor.location,
                stage=st.stage.canonical, cause=cause, severity="error",
                detail=Detail(stated=ln.factor.text, computed=str(ref.value),
                              steps=steps + [T("step.quotient", total=_short(value, 6), output=str(ref.value),
                                               interval=_short(value / ref.value))]))
            return
        if out >= FAR:
            yield self.finding(
                T("FAC002.far-above" if above else "FAC002.far-below", **said),
                values=[ln.factor.text], expected=str(ref.value), evidence=[ln.item], location=ln.factor.location,
                stage=st.stage.canonical, severity="error", cause=T("FAC002.far-cause"),
                detail=Detail(stated=ln.factor.text, computed=str(ref.value), steps=steps))
            return
        yield self.finding(
            T("FAC002.outside-above" if above else "FAC002.outside-below", **said),
            values=[ln.factor.text], expected=str(ref.value), evidence=[ln.item], location=ln.factor.location,
            stage=st.stage.canonical, detail=Detail(stated=ln.factor.text, computed=str(ref.value), steps=steps))

    def _coverage(self, unjudged, total: int, report: Report):
        groups: dict[Msg, list[str]] = {}
        for item, why, _ in unjudged:
            if item not in groups.setdefault(why, []):
                groups[why].append(item)
        parts = []
        for why, items in groups.items():
            shown = J(items[:COVERAGE_LISTED], "comma")
            if len(items) > COVERAGE_LISTED:
                shown = T("FAC010.and-more", items=shown, n=len(items) - COVERAGE_LISTED)
            parts.append(T("FAC010.group", why=why, n=len(items), items=shown))
        return self.finding(
            T("FAC010.not-judged", n=len(unjudged), total=total, groups=J(parts, "semicolon")),
            values=[str(len(unjudged)), str(total)], evidence=[item for item, _, _ in unjudged],
            location=unjudged[0][2] or (report.inventory.location if report.inventory else None),
            cause=T("FAC010.cause"),
            detail=Detail(steps=[T("step.name-value", name=item, value=why) for item, why, _ in unjudged]))

    @staticmethod
    def _off_by(value: Decimal, expected: Decimal, printed_unit: str | None) -> tuple[Msg, Msg] | None:
        """A kg/t slip or a decimal shift against the reference value: (how far off, in words; the cause)."""
        cause = unit_slip(value, expected, printed_unit) or decimal_shift(value, expected)
        if cause is None:
            return None
        larger = cause.id.startswith(("cause.unit-slip-larger", "cause.decimal-shift-larger"))
        times = cause.params.get("times", 1000)
        return T("FAC002.larger" if larger else "FAC002.smaller", times=times), cause

    @staticmethod
    def _shift_into_range(value: Decimal, ranges) -> tuple[Msg, Msg] | None:
        """A value outside every plausible range that a power of ten brings inside one: a decimal shift. Returns
        (how far off, in words; the cause)."""
        for k in (1, 3, 2, 4):
            for sign in (1, -1):
                v = value / Decimal(10) ** (sign * k)
                for r, lo, hi in ranges:
                    # near the reference itself, not merely inside a wide range: 0.9 is not aluminium's 9 (range
                    # 4-25); for x100 and more, inside a range much narrower than the power of ten is enough
                    # (890 for aluminium's 4-25 is x100)
                    near = r.value / Decimal("1.5") <= v <= r.value * Decimal("1.5")
                    narrow = k > 1 and lo > 0 and hi / lo <= Decimal(10) ** k / 5
                    if lo <= v <= hi and (near or narrow):
                        how = T("FAC002.larger-than-plausible" if sign > 0 else "FAC002.smaller-than-plausible",
                                times=10 ** k, item=r.item, range=f"{lo}-{hi} {r.unit}")
                        if k == 3:
                            return how, T("FAC002.per-t-used-per-kg" if sign > 0 else "FAC002.per-kg-used-per-t",
                                          how=how)
                        return how, T("FAC002.decimal-shift", how=how)
        return None

    @staticmethod
    def _range(ref) -> tuple[Decimal, Decimal]:
        if ref.low is not None or ref.high is not None:
            return (ref.low if ref.low is not None else ref.value / 2,
                    ref.high if ref.high is not None else ref.value * 2)
        if ref.confidence == "official" and ref.item == "electricity":
            return Decimal("0.1"), Decimal("1.2")   # provincial and generation-type values differ widely
        return ref.value / 2, ref.value * 2


class FactorTableUniformSettings(BaseModel):
    model_config = ConfigDict(defer_build=True)
    min_rows: int = Field(3, description="regions needed before a uniform column is implausible")


class FactorTableUniform(Rule[FactorTableUniformSettings]):
    """A table of factors by region or by year does not print one value everywhere.

    Why: official regional grid factors differ widely (西南 is under half of 华北) and consecutive vintages
    differ; a table with the same value in every region or every year was not copied from an official source.

    Fails:
        地区 | 2024 年 | 2023 年 ;  全国 0.5777 0.5777 ; 华北 0.5777 0.5777 ; 华东 0.5777 0.5777
    Passes:
        地区 | 2023 年 ; 全国 0.5306 ; 华北 0.6361 ; 华东 0.5500
    """

    code = "FAC003"
    checklist = "electricity"
    name = "factor-table-uniform"
    category = "factor"
    severity = "warning"

    Settings = FactorTableUniformSettings

    def check(self, report: Report, ctx: Context):
        for t in report.factor_tables:
            cells = [v for row in t.rows for v in row.values if v is not None]
            if len(cells) < 2:
                continue
            uniform_regions = len(t.rows) >= self.settings.min_rows and all(
                len({cell.value for row in t.rows if c < len(row.values) and (cell := row.values[c]) is not None}) == 1
                for c in range(len(t.columns)))
            uniform_years = len(t.columns) >= 2 and all(
                len({v.value for v in row.values if v is not None}) == 1 for row in t.rows)
            if not (uniform_regions or uniform_years):
                continue
            values = sorted({v.text for v in cells})
            what = []
            if uniform_regions:
                what.append(T("FAC003.every-region", n=len(t.rows)))
            if uniform_years:
                what.append(T("FAC003.every-year", years=J(t.columns, "comma")))
            official = self._official(t, ctx)
            said = {"values": values[0] if len(values) == 1 else J(values, "slash"), "what": J(what, "and")}
            yield self.finding(
                T("FAC003.uniform-official", official=official, **said) if official else T("FAC003.uniform", **said),
                values=values, evidence=[r.label for r in t.rows] + t.columns, location=t.location,
                cause=T("FAC003.cause"),
                detail=Detail(steps=[T("step.name-value", name=r.label,
                                       value=J([v.text if v else "-" for v in r.values], "comma"))
                                     for r in t.rows]))

    @staticmethod
    def _official(t, ctx: Context) -> Msg | None:
        notes = []
        lib = ctx.library
        for y in t.years:
            if y is None:
                continue
            fp = lib.official_national(y, "CO2e")
            co2 = lib.official_national(y, "CO2")
            bits = []
            if fp:
                bits.append(T("word.label-value", label=T("word.national-footprint"), value=str(fp.value)))
            if co2:
                bits.append(T("word.label-value", label=T("word.national-co2"), value=str(co2.value)))
            reg = lib.regional_co2
            if reg and y in reg.years:
                sample = [f"{r} {reg.value(r, y)}" for r in ("华北", "西南") if reg.value(r, y) is not None]
                bits.append(T("word.with-note", text=T("word.regional-co2"), note=J(sample, "comma")))
            if bits:
                notes.append(T("FAC003.official-year", year=str(y), values=J(bits, "comma")))
        return J(notes, "semicolon") if notes else None


class FactorVintage(Rule):
    """A factor labelled with a year (a table column or '2024 年...因子为') matches the official value of that year.

    Why: each vintage of the national grid factor is a published number (footprint 2023: 0.6205, 2024: 0.5777;
    CO2 2023: 0.5306). Printing the 2024 value under 2023 means the table was not taken from the source it cites.

    Fails:
        全国 | 2023 年 | 0.5777       (official 2023: footprint 0.6205, CO2 0.5306)
    Passes:
        全国 | 2024 年 | 0.5777 kgCO2e/kWh
    """

    code = "FAC004"
    checklist = "electricity"
    name = "factor-vintage-mismatch"
    category = "factor"
    severity = "warning"

    def check(self, report: Report, ctx: Context):
        lib = ctx.library
        for t in report.factor_tables:
            for col, year in enumerate(t.years):
                if year is None:
                    continue
                wrong = []
                for row in t.rows:
                    q = row.values[col] if col < len(row.values) else None
                    if q is None:
                        continue
                    expected = self._expected(lib, row.label.strip(), year)
                    if not expected:
                        continue
                    iv = ctx.interval(q)
                    if any(iv.contains(v) or close(q.value, v, Decimal("0.0005")) for v, _ in expected):
                        continue
                    wrong.append((row.label.strip(), q, expected))
                if not wrong:
                    continue
                printed = sorted({q.text for _, q, _ in wrong})
                others = sorted({o for o in (self._which(lib, q.value) for _, q, _ in wrong) if o})
                listing = [T("FAC004.official-value", label=label, printed=q.text, official=self._official(exp))
                           for label, q, exp in wrong[:4]]
                if len(wrong) > 4:
                    listing.append(T("word.and-more", n=len(wrong) - 4))
                said = {"column": t.columns[col], "n": len(wrong), "year": str(year), "values": J(listing, "semicolon")}
                yield self.finding(
                    T("FAC004.column-other", printed=printed[0], other=others[0], **said)
                    if len(printed) == 1 and others else T("FAC004.column", **said),
                    values=printed, expected=str(wrong[0][2][0][0]), evidence=[w[0] for w in wrong] + [str(year)],
                    location=wrong[0][1].location,
                    cause=T("FAC004.cause", other=others[0]) if others else None,
                    detail=Detail(steps=[T("FAC004.step", label=label, printed=q.text, official=self._official(exp))
                                         for label, q, exp in wrong]))
        for m in report.factor_mentions:
            if m.value is None or m.vintage is None:
                continue
            ref = lib.official_national(m.vintage, m.series or "CO2e")
            if ref is None:
                continue
            if ctx.interval(m.value).contains(ref.value):
                continue
            other = self._which(lib, m.value.value)
            said = {"quote": T("place.quoted", text=m.text), "year": str(m.vintage), "value": f"{ref.value} {ref.unit}"}
            yield self.finding(
                T("FAC004.mention-other", printed=m.value.text, other=other, **said) if other
                else T("FAC004.mention", **said),
                values=[m.value.text], expected=str(ref.value), evidence=[m.text], location=m.location)

    @staticmethod
    def _official(expected: list[tuple[Decimal, Msg]]) -> Msg:
        """The official values of a row: 'national footprint 0.6205, national CO2 0.5306'."""
        return J([T("word.label-value", label=what, value=str(v)) for v, what in expected], "comma")

    @staticmethod
    def _expected(lib, region: str, year: int) -> list[tuple[Decimal, Msg]]:
        out = []
        if region in ("全国", "national", "China", "中国"):
            for series, what in (("CO2e", "word.national-footprint"), ("CO2", "word.national-co2")):
                f = lib.official_national(year, series)
                if f:
                    out.append((f.value, T(what)))
        if region not in ("全国",):
            hit = lib.regional(region, year)
            if hit is not None:
                out.append(hit)
        return out

    @staticmethod
    def _which(lib, value: Decimal) -> Msg | None:
        for f in lib.electricity():
            if f.confidence == "official" and f.value == value:
                return T("word.official-factor", year=str(f.vintage), kind=T(national_series(f.series)))
        return None


class FactorUnitAlgebra(Rule):
    """The factor's unit times the activity's unit gives a mass of CO2(e) in the unit the emissions are printed in.

    Why: a factor per kWh applied to kilograms, or per t·km applied to tonnes, cannot give emissions; units are
    compared as physical dimensions (pint), not as spellings, so kW·h, 千瓦时 and 度 are the same thing.

    Fails:
        电力 | 1200 kg | factor 0.5777 kgCO2e/kWh
    Passes:
        电力 | 1200 kWh | factor 0.5777 kgCO2e/kWh
    """

    code = "FAC005"
    name = "factor-unit-mismatch"
    category = "factor"
    severity = "error"

    def check(self, report: Report, ctx: Context):
        for st, ln in inventory_lines(report):
            _, why = unit_scale(ln, report.inventory.emissions_unit if report.inventory else None)
            if why is None:
                continue
            yield self.finding(
                T("FAC005.mismatch", stage=st.stage.name, item=ln.item or "", why=why),
                values=[ln.factor.text, ln.activity.text], evidence=[ln.factor.unit_text or ln.factor.unit or "",
                                                                      ln.activity.unit_text or ln.activity.unit or ""],
                location=ln.factor.location, stage=st.stage.canonical)


class FactorDatesSettings(BaseModel):
    model_config = ConfigDict(defer_build=True)
    max_age_years: int = Field(3, description="years a factor's vintage may lag the data period")


class FactorDates(Rule[FactorDatesSettings]):
    """A factor's vintage fits the report's dates: it was published before the report was issued, and it is not
    much older than the data it is applied to.

    Why: a report issued in May 2025 cannot have used the 2024 electricity footprint factor released in October
    2025 (either the factor or the date is wrong, or the report was revised without saying so); and a factor
    several years older than the data period misrepresents a grid that has changed since. Both are noted for
    the verifier (info): the report may have been re-issued, or no newer factor may exist.

    Fails:
        报告签发日期 2025年05月26日 ; 电力 0.5777 (2024 footprint factor, released 2025-10-23)
    Passes:
        报告签发日期 2026年05月26日 ; 电力 0.5777 ; 数据统计周期 2025 年
    """

    code = "FAC006"
    checklist = "data-period"
    name = "factor-vintage-dates"
    category = "factor"
    severity = "info"

    Settings = FactorDatesSettings

    def check(self, report: Report, ctx: Context):
        m = report.metadata
        issued = m.issue_date_value
        data_year = m.data_period_end.year if m.data_period_end else None
        used: dict[str, tuple[RefFactor, str, Location | None, Msg]] = {}   # ref id -> (ref, text, location, where)
        for st, ln in inventory_lines(report):
            if ln.factor is None:
                continue
            for ref in ctx.library.official_by_value(ln.factor.value):
                used.setdefault(ref.id, (ref, ln.factor.text, ln.factor.location,
                                         T("word.with-note", text=ln.item or "", note=st.stage.name)))
        for f in report.factor_mentions:
            if f.vintage is None:
                continue
            national = ctx.library.official_national(f.vintage, f.series or "CO2e")
            if national is not None:
                used.setdefault(national.id, (national, f.value.text if f.value else str(f.vintage), f.location,
                                              T("place.quoted", text=f.text)))
        for ref, text, loc, where in used.values():
            if issued and ref.announced and ref.announced > issued:
                yield self.finding(
                    T("FAC006.published-after", where=where, printed=text, year=str(ref.vintage),
                      series=T("word.series-footprint" if ref.series == "CO2e" else "word.series-co2"),
                      announced=str(ref.announced), issued=str(issued)),
                    values=[text, m.issue_date.text if m.issue_date else str(issued)], expected=None,
                    evidence=[str(where), ref.source], location=loc,
                    cause=T("FAC006.published-after-cause"),
                    detail=Detail(steps=[T("FAC006.step-reference", id=ref.id, value=f"{ref.value} {ref.unit}",
                                           year=str(ref.vintage), announced=str(ref.announced)),
                                         T("FAC006.step-issued", issued=str(issued))]))
            if data_year and ref.vintage and data_year - ref.vintage > self.settings.max_age_years:
                yield self.finding(
                    T("FAC006.old", where=where, printed=text, year=str(ref.vintage), data_year=str(data_year),
                      n=data_year - ref.vintage), values=[text, str(ref.vintage)],
                    evidence=[str(where), m.data_period.text if m.data_period else str(data_year)], location=loc)
        for t in report.factor_tables:
            for y in t.years:
                if y is None or not issued:
                    continue
                ann = [r.announced for r in ctx.library.electricity() if r.vintage == y and r.announced]
                if ann and min(ann) > issued:
                    yield self.finding(
                        T("FAC006.column-unpublished", year=str(y), issued=str(issued), first=str(min(ann))),
                        values=[str(y)], evidence=t.columns, location=t.location)


class FactorSeriesLabel(Rule):
    """An inventory factor's unit names the series its value belongs to, and a CO2e factor does not feed a total
    stated in CO2 only.

    Why: 0.5777 is the 2024 life-cycle footprint factor (kgCO2e/kWh) and 0.5306 the 2023 grid CO2 factor
    (kgCO2/kWh); a line that labels one with the other's unit tells the reader it used a different series than
    it did. Emissions stated in kgCO2 that include CO2e factors are mislabelled.

    Fails:
        产品生产 | 电力 | 13.4745 kWh | 0.5777 kgCO₂/kWh
    Passes:
        产品生产 | 电力 | 13.4745 kWh | 0.5777 kgCO₂e/kWh
    """

    code = "FAC007"
    name = "factor-series-label"
    category = "factor"
    severity = "warning"

    def check(self, report: Report, ctx: Context):
        seen = set()
        co2e_lines = []
        for st, ln in inventory_lines(report):
            if ln.factor is None or not ln.factor.unit:
                continue
            fu = factor_unit(ln.factor.unit)
            if fu is None:
                continue
            if fu.emission.series == "CO2e":
                co2e_lines.append((st, ln))
            for ref in ctx.library.official_by_value(ln.factor.value):
                if ref.series != fu.emission.series and (ln.factor.text, ln.factor.unit) not in seen:
                    seen.add((ln.factor.text, ln.factor.unit))
                    yield self.finding(
                        T("FAC007.footprint-labelled" if ref.series == "CO2e" else "FAC007.co2-labelled",
                          item=ln.item or "", printed=ln.factor.text, year=str(ref.vintage), unit=ref.unit,
                          label=ln.factor.unit_text or ln.factor.unit),
                        values=[ln.factor.text], expected=ref.unit,
                        evidence=[ln.item or "", ln.factor.unit_text or ln.factor.unit], location=ln.factor.location,
                        stage=st.stage.canonical, cause=T("FAC007.cause"))
                    break
        inv = report.inventory
        unit = inv.emissions_unit if inv else None
        eu = emission_unit(unit) if unit else None
        if unit and eu is not None and eu.series == "CO2" and co2e_lines:
            st, ln = co2e_lines[0]
            example = " ".join(x for x in (ln.item, ln.factor.text, ln.factor.unit_text or ln.factor.unit) if x)
            yield self.finding(
                T("FAC007.co2-total", unit=unit, n=len(co2e_lines), example=example),
                values=[ln.factor.text], evidence=[unit, ln.item or ""], location=ln.factor.location,
                stage=st.stage.canonical)


class FactorVariesByLine(Rule):
    """The same material or energy carrier, in the same unit, has the same factor on every line.

    Why: the electricity used in production and the electricity used at end of life come from the same grid
    unless the report says otherwise; a factor that differs on one line is usually a typo (0.5787 for 0.5777),
    and the finding says so when one digit explains it. A deliberate difference (another province, green power)
    deserves a name of its own in the inventory.

    Fails:
        原材料获取 | 电力 kWh | 0.5777 ; 产品生产 | 电力 kWh | 0.5787 ; 产品处置 | 电力 kWh | 0.5777
    Passes:
        原材料获取 | 电力 kWh | 0.5777 ; 产品生产 | 电力 kWh | 0.5777 ; 产品处置 | 电力 kWh | 0.5777
    """

    code = "FAC008"
    name = "factor-varies-by-line"
    category = "factor"
    severity = "warning"

    def check(self, report: Report, ctx: Context):
        groups: dict[tuple, list] = {}
        for st, ln in inventory_lines(report):
            if ln.factor is None or not ln.item:
                continue
            unit = ln.activity.unit if ln.activity is not None else None
            groups.setdefault((norm(ln.item), unit), []).append((st, ln))
        for (_item, unit), hits in groups.items():
            by_value: dict[Decimal, list] = {}
            for st, ln in hits:
                by_value.setdefault(ln.factor.value, []).append((st, ln))
            if len(by_value) < 2:
                continue
            refs = ctx.library.for_item(hits[0][1].item)
            ranked = sorted(by_value.items(), key=lambda kv: (-len(kv[1]), not any(r.value == kv[0] for r in refs)))
            main_value, main = ranked[0]
            clear = len(main) > len(ranked[1][1]) or any(r.value == main_value for r in refs)
            main_text = main[0][1].factor.text
            for _value, odd in ranked[1:] if clear else ranked:
                st, ln = odd[0]
                slip = digit_slip(ln.factor.text, main_text) if clear else None
                listing = J([T("FAC008.value-in", value=v_hits[0][1].factor.text,
                               stages=J([s.stage.name for s, _ in v_hits], "and")) for _, v_hits in ranked],
                            "semicolon")
                yield self.finding(
                    T("FAC008.varies", item=T("word.with-note", text=ln.item, note=unit) if unit else ln.item,
                      factor=ln.factor.text, stages=J([s.stage.name for s, _ in odd], "and"), listing=listing),
                    values=[ln.factor.text] + ([main_text] if clear else []), expected=main_text if clear else None,
                    evidence=[ln.item] + [s.stage.name for s, _ in odd], location=ln.factor.location,
                    stage=st.stage.canonical, cause=slip,
                    )
                if not clear:
                    break


def _same_item(subject: str, item: str, ctx: Context) -> bool:
    """Does a factor named in the text ('公路货物运输', 'electricity') speak of this inventory item ('公路运输')?"""
    s, i = norm(subject), norm(item)
    if not s or not i:
        return False
    if s == i or (len(i) >= 2 and i in s) or (len(s) >= 2 and s in i):
        return True
    if s == "electricity":
        return any(r.item == "electricity" for r in ctx.library.for_item(item))
    return fuzz.ratio(s, i) >= 75


class FactorQuotedDifferently(Rule):
    """A factor named in the text (4.3 排放因子数据: '铜排放因子为 4.12kgCO₂e/kg') is the factor the inventory uses for
    that material or energy carrier.

    Why: the text is where the report says where a factor comes from; when the inventory multiplies by another
    value, either the table or the text is mistyped, and the arithmetic may rest on a factor nobody sourced.
    Values are compared as rounding intervals, so 2.162 in the text agrees with 2.1622 in the table.

    Fails:
        4.3: 铜排放因子为 4.12kgCO₂e/kg ; inventory: 铜 | 12.21 kg | 4.21
    Passes:
        4.3: 铜排放因子为 4.12kgCO₂e/kg ; inventory: 铜 | 12.21 kg | 4.12
    """

    code = "FAC009"
    name = "factor-quoted-differently"
    category = "factor"
    severity = "warning"

    def check(self, report: Report, ctx: Context):
        lines = [(st, ln) for st, ln in inventory_lines(report) if ln.factor is not None and ln.item]
        for m in report.factor_mentions:
            if m.value is None or not m.subject:
                continue
            exact = [(st, ln) for st, ln in lines if norm(ln.item) == norm(m.subject)]
            same = exact or [(st, ln) for st, ln in lines if _same_item(m.subject, ln.item, ctx)]
            mu = factor_unit(m.value.unit) if m.value.unit else None
            comparable = []
            for st, ln in same:
                lu = factor_unit(ln.factor.unit) if ln.factor.unit else None
                per = lu.per if lu is not None else (ln.activity.unit if ln.activity is not None else None)
                if mu is not None and per is not None and mu.per != per:
                    continue   # per kg in the text, per t in the table: another basis, not this rule's business
                comparable.append((st, ln))
            if not comparable:
                continue
            said = ctx.interval(m.value)
            differ = [(st, ln) for st, ln in comparable if not ctx.agree(ln.factor, m.value)]
            if not differ:
                continue
            printed = sorted({ln.factor.text for _, ln in differ})
            slip = digit_slip(printed[0], m.value.text) or digit_slip(m.value.text, printed[0]) \
                if len(printed) == 1 else None
            where = J(sorted({T("word.with-note", text=ln.item, note=st.stage.name) for st, ln in differ}), "comma")
            yield self.finding(
                T("FAC009.differs", subject=m.subject, value=m.value.text, quote=m.text[:50],
                  printed=J(printed, "slash"), where=where),
                values=[m.value.text] + printed, expected=m.value.text, evidence=[m.text, str(where)],
                location=differ[0][1].factor.location, stage=differ[0][0].stage.canonical,
                cause=T("FAC009.mistyped", slip=slip) if slip else None,
                detail=Detail(stated=printed[0], computed=m.value.text,
                              stated_interval=ctx.interval(differ[0][1].factor).pair(8),
                              computed_interval=said.pair(8), tolerance=ctx.tolerance_text()))


class FactorCoverage(FactorReference):
    """Factors the reference library cannot judge are counted and named, once per report: items without a
    reference on the basis they are printed in, and waste or end-of-life treatments (no production factor
    applies to them).

    Why: a factor without a reference is not verified, which is neither an error nor a pass; the verifier sees
    how many factors were judged and which were not (and can add references with --factors).

    Fails:
        温控器 | 1 个 | factor 12.5 kgCO2e/个   (no reference: counted as not verified)
    Passes:
        钢材 | 120 kg | factor 2.05 kgCO2e/kg   (judged against the steel reference)
    """

    code = "FAC010"
    name = "factor-not-verified"
    severity = "info"
    coverage = True
