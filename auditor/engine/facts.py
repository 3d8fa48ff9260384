"""Facts derived from a report that several rules share: every statement of a stage's value, line products."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .. import regexes as regex
from ..i18n import Msg, S, T
from ..model import DataTable, InventoryLine, Location, Quantity, Report, TableRelation
from ..numbers import Interval
from ..relations import check_rows, covered_by, discover
from ..units import EmissionUnit, check_product, emission_unit, factor_unit

TOTAL = "__total__"
PER_UNIT = "__per_unit__"     # the footprint per functional unit, when the report's totals are annual ones
PER_UNIT_WORDS = regex.compile(r"单位产品|每吨|每台|每件|每套|每千克|每公斤|per\s+(?:tonne|ton|unit|kg|kilogram|piece|"
                               r"functional\s+unit|declared\s+unit)|/\s*(?:t|台|件|kg|unit)\b", regex.I)

PLACE_NAMES = {"inventory": "place.inventory", "results": "place.results", "summary": "place.summary",
               "cover": "place.cover", "results_text": "place.results-text", "conclusion": "place.conclusion",
               "other": "place.other", "inventory_total": "place.inventory-total",
               "results_total": "place.results-total"}


def place_name(place: str) -> Msg:
    """Where in the report a value is printed ('the summary')."""
    return T(PLACE_NAMES.get(place, "place.other"))


@dataclass
class Statement:
    place: str
    quantity: Quantity
    evidence: str
    percent: Quantity | None = None

    @property
    def where(self) -> Msg:
        if self.quantity.location:
            return T("place.on-page", place=place_name(self.place), page=self.quantity.location.page)
        return place_name(self.place)


def statements(report: Report) -> dict[str, list[Statement]]:
    """Every printed value of each stage (by canonical id) and of the total (key TOTAL)."""
    out: dict[str, list[Statement]] = {}

    def add(key, st):
        out.setdefault(key, []).append(st)

    if report.inventory:
        fossil = _fossil_only(report)
        for s in report.inventory.stages:
            if s.stage.canonical and s.emissions is not None and id(s) not in fossil:
                add(s.stage.canonical, Statement("inventory", s.emissions, s.stage.name))
        if report.inventory.total is not None:
            add(TOTAL, Statement("inventory_total", report.inventory.total, "inventory total"))
    if report.results:
        for r in report.results.rows:
            if r.stage.canonical:
                add(r.stage.canonical, Statement("results", r.value, r.stage.name, r.percent))
        if report.results.total is not None:
            add(TOTAL, Statement("results_total", report.results.total, "results total", report.results.total_percent))
    per_unit = per_unit_quotes(report)
    for q in report.quotes:
        key = q.stage.canonical if q.stage else (PER_UNIT if id(q) in per_unit else TOTAL)
        if key:
            add(key, Statement(q.place, q.value, q.text, q.percent))
    return out


def _agree(a: Quantity, b: Quantity) -> bool:
    return Interval.printed(a.value, a.decimals).overlaps(Interval.printed(b.value, b.decimals))


def _fossil_only(report: Report) -> set[int]:
    """ids of inventory stages whose value is the stage's GWP-fossil in the report's indicator matrix and not its
    GWP-total (an inventory of fossil emissions beside a matrix that adds biogenic and luluc): such a stage value
    is not a statement of the stage's GWP-total, which the results table gives."""
    from ..vocab import match_stage

    out: set[int] = set()
    if not report.inventory:
        return out
    for t in report.tables:
        rows = {("fossil" if "fossil" in r.label.lower() else "total"): r for r in t.rows
                if regex.search(r"gwp[\s\-_]*(fossil|total)", r.label, regex.I)}
        if len(rows) < 2:
            continue
        cols = {match_stage(c.header)[0]: c.index for c in t.columns if c.header}
        for st in report.inventory.stages:
            col = cols.get(st.stage.canonical)
            if col is None or st.emissions is None:
                continue
            f, g = rows["fossil"].cells[col], rows["total"].cells[col]
            if f is not None and g is not None and _agree(st.emissions, f) and not _agree(st.emissions, g):
                out.add(id(st))
    return out


def annual_total(report: Report) -> Quantity | None:
    """The report's total when it is a year's emissions beside an annual output: the results total (else the
    inventory total), when the report prints an annual output."""
    if report.metadata.annual_output is None:
        return None
    total = report.results.total if report.results and report.results.total is not None else (
        report.inventory.total if report.inventory else None)
    if total is None or total.value <= 0 or (total.unit and "/" in total.unit):
        return None
    return total


def per_unit_quotes(report: Report) -> set[int]:
    """ids of the total quotes that are the footprint per functional unit of a report whose totals are annual:
    a unit per something (tCO2e/t, kgCO2e/台), or per-unit words with a value near total / annual output. They
    are compared with each other and with total / output (ARI008), never with the annual total."""
    out: set[int] = set()
    total = annual_total(report)
    output = report.metadata.annual_output
    for q in report.quotes:
        if q.stage is not None:
            continue
        if q.value.unit and "/" in q.value.unit:
            out.add(id(q))
            continue
        if total is None or output is None or output.value <= 0 or not PER_UNIT_WORDS.search(q.text):
            continue
        implied = total.value / output.value * mass_ratio(total.unit, q.value.unit)
        if implied > 0 and abs(q.value.value - implied) <= implied / 2:
            out.add(id(q))
    return out


def mass_ratio(total_unit: str | None, quote_unit: str | None) -> Decimal:
    """tCO2e over t quoted as kgCO2e per t: x1000."""
    scale = {"t": Decimal(1000), "kg": Decimal(1), "g": Decimal("0.001")}
    a = emission_unit(total_unit.split("/")[0]) if total_unit else None
    b = emission_unit(quote_unit.split("/")[0]) if quote_unit else None
    if a is None or b is None:
        return Decimal(1)
    return scale.get(a.mass, Decimal(1)) / scale.get(b.mass, Decimal(1))


def stage_name(canonical: str, report: Report | None = None) -> Msg:
    """A stage (or the total, or the footprint per unit) named in the reader's language."""
    return S({TOTAL: "total", PER_UNIT: "per_unit"}.get(canonical, canonical))


def unit_scale(line: InventoryLine, emissions_unit: str | None) -> tuple[Decimal, Msg | None]:
    """How activity x factor converts into the emissions unit (1 when units are unknown), with a note when the
    units do not multiply into a mass of CO2(e)."""
    if not (line.factor and line.factor.unit and line.activity and line.activity.unit):
        return Decimal(1), None
    fu = factor_unit(line.factor.unit)
    if fu is None:
        return Decimal(1), None
    own = line.emissions.unit if line.emissions is not None and line.emissions.unit else None
    unit = own or emissions_unit       # a line printed in another table keeps that table's unit
    eu = emission_unit(unit) if unit else None
    try:
        ok, why, scale = check_product(fu, line.activity.unit, eu)
    except KeyError:      # a unit neither the shipped table nor pint's names know: no conversion is claimed
        return Decimal(1), None
    if not ok:
        if why.id == "units.other-series" and eu is not None:
            # a series difference is reported by the consistency rules; the masses still convert (t x kgCO2/kg
            # is a tonne of CO2 however the result is labelled)
            try:
                ok2, _, scale2 = check_product(fu, line.activity.unit, EmissionUnit(eu.mass, fu.emission.series))
            except KeyError:
                return Decimal(1), None
            return (Decimal(str(scale2)), None) if ok2 and scale2 is not None else (Decimal(1), None)
        return Decimal(1), why
    return Decimal(str(scale)), None


def line_interval(line: InventoryLine, interval, emissions_unit: str | None) -> Interval | None:
    """activity x factor, as an interval of exact values, in the emissions unit."""
    if line.activity is None or line.factor is None:
        return None
    scale, _ = unit_scale(line, emissions_unit)
    return (interval(line.activity) * interval(line.factor)).scale(scale)


def inventory_lines(report: Report):
    """(stage, line) for every inventory line."""
    if report.inventory:
        for st in report.inventory.stages:
            for ln in st.lines:
                yield st, ln


def printed_interval(ctx):
    """(value, decimals) -> the interval a number printed that way stands for, under the configured rounding."""
    t = ctx.config.tolerance
    return lambda value, decimals: Interval.printed(value, decimals, t.rounding, Decimal(str(t.abs_slack)),
                                                    Decimal(str(t.rel_slack)))


def other_values(stmts: dict[str, list[Statement]], key: str, place: str,
                 report: Report) -> list[tuple[str, str]]:
    """(stage label, printed value) of the other stages stated in the same place: where a copied value came from."""
    out: list[tuple[str, str]] = []
    for k, group in stmts.items():
        if k == key:
            continue
        for s in group:
            if s.place == place:
                out.append((T("place.stage-in", stage=stage_name(k, report), place=place_name(place)),
                            s.quantity.text))
    return out


@dataclass
class TotalSum:
    """A printed total and the stage values it should be the sum of (what ARI003 checks)."""
    total: Quantity
    parts: list[Quantity]
    where: Msg
    names: list[str]


def total_sums(report: Report) -> list[TotalSum]:
    """Every printed total with its parts: the results table's total row (else the total quoted in the text) over
    its rows; the inventory's total over its stage values, when every stage has one."""
    out = []
    res, inv = report.results, report.inventory
    if res and res.rows:
        total, where = res.total, T("place.results")
        if total is None:
            total = next((q.value for q in report.quotes if q.stage is None), None)
            where = T("place.quoted-total")
        if total is not None:
            out.append(TotalSum(total, [r.value for r in res.rows], where, [r.stage.name for r in res.rows]))
    if inv and inv.total is not None:
        parts = [s.emissions for s in inv.stages if s.emissions is not None]
        if parts and len(parts) == len(inv.stages):
            out.append(TotalSum(inv.total, parts, T("place.inventory"), [s.stage.name for s in inv.stages]))
    return out



def table_name(t: DataTable) -> str | Msg:
    """How a finding names a table: its caption, else the heading it stands under, else its page."""
    if t.caption:
        return t.caption.text
    if t.section:
        return T("table.under", section=t.section)
    return T("table.on-page", page=t.location.page) if t.location else T("table.a")


def table_relations(t: DataTable, ctx) -> list[TableRelation]:
    """The relations a table's rows confirm at the configured tolerance, found once per audit (the extractor's
    were found at the default one), each with the rule that already checks it row by row."""
    key = ("table-relations", id(t))
    if key not in ctx.memo:
        found = discover(t, ctx.interval)
        known = {(r.kind, r.target, tuple(r.operands)): r.covered_by for r in t.relations}
        for r in found:
            r.covered_by = known.get((r.kind, r.target, tuple(r.operands))) if t.relations else covered_by(t, r)
        ctx.memo[key] = found
    return ctx.memo[key]


def broken_cells(report: Report, ctx) -> list[Location]:
    """Locations of the printed results of broken t·km = mass x distance, fuel = trips x fuel per trip and
    per-unit = annual / output relations: a line whose quantity is one of them is wrong upstream of its
    emissions (ARI006 reports it; the line product would only repeat it)."""
    out: list[Location] = []
    for t in report.tables:
        for rel in table_relations(t, ctx):
            if rel.kind == "quotient" or (rel.kind == "product" and rel.target < len(t.columns)
                                          and t.columns[rel.target].role in ("tkm", "fuel")):
                out.extend(c.stated.location for c in check_rows(t, rel, ctx.interval)
                           if not c.agrees and c.stated.location is not None)
    return out
