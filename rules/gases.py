"""Gas-by-gas checks: the CO2e a report prints per gas recomputed from the gas masses and the GWP100 values of
the assessment report it cites."""
from __future__ import annotations

import itertools
from decimal import Decimal

from auditor import regexes as regex
from auditor.engine.base import Context, Rule
from auditor.i18n import J, Msg, T
from auditor.model import DataTable, Quantity, Report, Severity
from auditor.numbers import Interval, fold

GAS_RE = regex.compile(r"(?<![A-Za-z0-9])(?P<gas>CO2|CH4|N2O|SF6|NF3|CF4|HFC-?134a|HFC-?32)(?![A-Za-z0-9])(?!\s*e)",
                       regex.I)
# the unit of a gas-mass column and of a CO2e column, and its factor to kg
MASS_UNIT_RE = regex.compile(r"[(（\[]\s*(?P<u>kg|t|g|吨|千克|克)\s*[)）\]]", regex.I)
CO2E_UNIT_RE = regex.compile(r"(?P<u>kg|t|g|吨|千克)\s*CO2\s*-?\s*(?:e|eq|当量)", regex.I)
TO_KG = {"kg": Decimal(1), "千克": Decimal(1), "t": Decimal(1000), "吨": Decimal(1000), "g": Decimal("0.001"),
         "克": Decimal("0.001")}
REPORTS = ("SAR", "AR4", "AR5", "AR6")


def _gas_key(gas: str) -> str:
    g = gas.upper().replace("-", "")
    return {"HFC134A": "HFC-134a", "HFC32": "HFC-32"}.get(g, g)


def gas_columns(t: DataTable) -> tuple[dict[int, tuple[str, Decimal]], tuple[int, Decimal] | None]:
    """The columns of a per-gas table: {index: (gas, kg per printed unit)} for the gas masses, and (index, kg
    per printed unit) for the CO2e column."""
    gases: dict[int, tuple[str, Decimal]] = {}
    co2e: tuple[int, Decimal] | None = None
    for c in t.columns:
        h = fold(c.header or "")
        e = CO2E_UNIT_RE.search(h)
        if e:
            if co2e is None or co2e[0] < c.index:
                co2e = (c.index, TO_KG[e.group("u").lower() if e.group("u").isascii() else e.group("u")])
            continue
        g = GAS_RE.search(h)
        u = MASS_UNIT_RE.search(h)
        if g and u:
            unit = u.group("u")
            gases[c.index] = (_gas_key(g.group("gas")), TO_KG[unit.lower() if unit.isascii() else unit])
    return gases, co2e


class GasGwpRecompute(Rule):
    """The CO2e a report prints beside its per-gas emissions is the sum of each gas's mass times the GWP100 of
    the assessment report the report cites.

    Why: ISO 14067:2018 and GB/T 24067-2024 ask for CO2e computed with the GWP100 values of the latest IPCC
    assessment report; a report that cites AR5 or AR6 but converts methane with 25 and nitrous oxide with 298
    (the AR4 values) prints CO2e figures that are not what it says. Each row is recomputed within the rounding
    of its printed numbers (CH4 0.012 kg stands for 0.0115 to 0.0125 kg), so a correctly rounded row never
    fails; AR5's climate-carbon-feedback values (CH4 34, N2O 298) and fossil methane (AR5 30, AR6 29.8) count as
    that report's. Without a cited report the row must fit one of them.

    Fails:
        采用 IPCC AR5 ; | 排放源 | CO₂ (kg) | CH₄ (kg) | N₂O (kg) | 合计 (kgCO₂e) | ; | 柴油 | 100 | 1 | 1 | 423 |
    Passes:
        采用 IPCC AR5 ; | 排放源 | CO₂ (kg) | CH₄ (kg) | N₂O (kg) | 合计 (kgCO₂e) | ; | 柴油 | 100 | 1 | 1 | 393 |
    """

    code = "CON013"
    checklist = "gases"
    name = "gas-gwp-recompute"
    category = "consistency"
    severity = "error"

    def check(self, report: Report, ctx: Context):
        lib = ctx.library
        if lib.gwp is None:
            return
        cited = report.metadata.gwp_report
        cited = cited.upper() if cited else None
        if cited and not lib.gwp_values("CH4", cited):
            cited = None
        for t in report.tables:
            gases, co2e = gas_columns(t)
            if co2e is None or not any(g not in ("CO2",) for g, _ in gases.values()):
                continue
            for row in t.rows:
                if co2e[0] >= len(row.cells) or row.cells[co2e[0]] is None:
                    continue
                masses: list[tuple[str, Decimal, Quantity]] = [
                    (g, k, q) for i, (g, k) in gases.items() if i < len(row.cells) and (q := row.cells[i]) is not None]
                if not any(g != "CO2" for g, _, _ in masses):
                    continue
                total = row.cells[co2e[0]]
                assert total is not None
                target = ctx.interval(total).scale(co2e[1])
                fits = {ar: self._fit(ctx, masses, ar, target) for ar in REPORTS}
                if cited:
                    if fits.get(cited) is not None:
                        continue
                    others = [ar for ar, v in fits.items() if v is not None and ar != cited]
                    yield self._report(ctx, t, row.label, masses, total, co2e[1], cited, others, "error")
                elif not any(v is not None for v in fits.values()):
                    yield self._report(ctx, t, row.label, masses, total, co2e[1], None, [], "warning")

    @staticmethod
    def _fit(ctx: Context, masses: list[tuple[str, Decimal, Quantity]], ar: str,
             target: Interval) -> tuple[Decimal, ...] | None:
        """The GWP values of `ar` (one per gas, alternates tried) that make the row add up, or None."""
        lib = ctx.library
        options = []
        for g, _, _ in masses:
            vs = lib.gwp_values(g, ar)
            if not vs:
                return None
            options.append(vs)
        for combo in itertools.product(*options):
            s = Interval.exact(Decimal(0))
            for (_, k, q), gwp in zip(masses, combo):
                s = s + ctx.interval(q).scale(k * gwp)
            if s.overlaps(target):
                return combo
        return None

    def _report(self, ctx: Context, t: DataTable, label: str, masses: list[tuple[str, Decimal, Quantity]],
                total: Quantity, co2e_kg: Decimal, cited: str | None, others: list[str], severity: Severity):
        lib = ctx.library
        ar = cited or "AR6"
        exp = sum((q.value * k * (lib.gwp_values(g, ar) or [Decimal(0)])[0] for g, k, q in masses), Decimal(0))
        expected = ctx.fmt(exp / co2e_kg, total.decimals)
        row = T("CON013.row", label=label, table=T("place.quoted", text=t.caption.text) if t.caption
                else T("CON013.per-gas-table"))
        gases = J([f"{g} {q.text}" for g, _, q in masses], "comma")
        if cited:
            said = {"row": row, "gases": gases, "expected": expected, "cited": cited,
                    "gwps": self._gwps(ctx, masses, cited), "total": total.text}
            msg = T("CON013.cited-other", others=J(others, "slash"), other_gwps=self._gwps(ctx, masses, others[0]),
                    **said) if others else T("CON013.cited", **said)
        else:
            msg = T("CON013.none-fits", row=row, gases=gases, total=total.text, expected=expected)
        return self.finding(msg, values=[total.text], expected=expected, evidence=[label] if label else [],
                            location=total.location, severity=severity,
                            cause=T("CON013.cause", others=J(others, "slash"), cited=cited) if others else None)

    @staticmethod
    def _gwps(ctx: Context, masses: list[tuple[str, Decimal, Quantity]], ar: str) -> Msg:
        return J([f"{g} {ctx.library.gwp_values(g, ar)[0].normalize()}" for g, _, _ in masses if g != "CO2"], "comma")
