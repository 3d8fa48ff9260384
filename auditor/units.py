"""Units as printed -> normalised units, and unit algebra with pint.

Printed units are messy: kgCO₂ eq, kgCOe (the subscript glyph lost in the PDF),
千克二氧化碳当量, kW·h, 度, m³ printed as m, 吨·公里. We normalise the spelling
here and leave the physics to pint, which knows that kgCO2e/kWh x kWh is a mass.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from . import regexes as regex
from .i18n import Msg, T
from .numbers import fold

# spelling -> normalised activity unit
_ACTIVITY = {
    "kwh": "kWh", "kw·h": "kWh", "kw.h": "kWh", "kw h": "kWh", "kw•h": "kWh", "千瓦时": "kWh", "度": "kWh",
    "mwh": "MWh", "兆瓦时": "MWh", "万千瓦时": "10^4 kWh",
    "kg": "kg", "千克": "kg", "公斤": "kg", "t": "t", "吨": "t", "g": "g", "克": "g",
    "m3": "m3", "m^3": "m3", "nm3": "m3", "立方米": "m3", "方": "m3", "万立方米": "10^4 m3", "万nm3": "10^4 m3",
    "l": "L", "升": "L", "mj": "MJ", "gj": "GJ", "tj": "TJ",
    "t·km": "t*km", "t.km": "t*km", "tkm": "t*km", "t-km": "t*km", "t*km": "t*km", "吨公里": "t*km",
    "吨·公里": "t*km", "吨.公里": "t*km", "吨千米": "t*km", "km": "km", "公里": "km",
    "台": "unit", "件": "unit", "套": "unit", "个": "unit", "pcs": "unit", "piece": "unit", "unit": "unit",
    "m2": "m2", "平方米": "m2", "m": "m", "米": "m",
    # English words (after spaces are removed; a plural s is dropped before the lookup)
    "kilowatthour": "kWh", "kilowatt-hour": "kWh", "megawatthour": "MWh", "megawatt-hour": "MWh",
    "kilogram": "kg", "kilogramme": "kg", "tonne": "t", "ton": "t", "metricton": "t", "metrictonne": "t",
    "gram": "g", "cubicmetre": "m3", "cubicmeter": "m3", "normalcubicmetre": "m3", "litre": "L", "liter": "L",
    "megajoule": "MJ", "gigajoule": "GJ", "tonne-km": "t*km", "tonne·km": "t*km", "tonne-kilometre": "t*km",
    "tonnekilometre": "t*km", "tonne-kilometer": "t*km", "tonnekilometer": "t*km", "kilometre": "km",
    "kilometer": "km", "pc": "unit", "squaremetre": "m2", "metre": "m", "meter": "m",
}

_EMISSION_RE = regex.compile(
    r"^(?P<mass>kg|t|g|千克|公斤|吨|克)\s*(?:CO2?|二氧化碳)\s*(?P<eq>e|eq|-eq|-e|当量|equivalent|equiv)?\.?$",
    regex.I,
)
_CJK_EMISSION = {"千克二氧化碳当量": ("kg", "CO2e"), "吨二氧化碳当量": ("t", "CO2e"), "千克二氧化碳": ("kg", "CO2"),
                 "吨二氧化碳": ("t", "CO2"), "kgco2当量": ("kg", "CO2e"), "tco2当量": ("t", "CO2e")}
_MASS = {"kg": "kg", "千克": "kg", "公斤": "kg", "t": "t", "吨": "t", "g": "g", "克": "g"}


# What OCR makes of small glyphs: the subscript ₂ of CO₂ as z, > or 2z; eq as ea/ed; ³ as s3; · as ' or .
_OCR_FIXES = [
    (regex.compile(r"(?<=CO)(?:2?[z>»])(?=e|/|\)|$)"), "2"),
    (regex.compile(r"(?<=CO2?e)[ad](?=/|\)|$)"), "q"),
    (regex.compile(r"(?<=/\(?m)s(?=3)"), ""),
    (regex.compile(r"(?<=t)['’`](?=km)"), "·"),
]


def squash(text: str) -> str:
    """Fold and drop spaces and decorations that do not change the unit."""
    t = fold(text).strip().strip("()（）[]【】")
    t = t.replace(" ", "").replace("\u00a0", "")
    for rx, repl in _OCR_FIXES:
        t = rx.sub(repl, t)
    return t


@dataclass(frozen=True)
class EmissionUnit:
    mass: str        # kg, t, g
    series: str      # CO2 or CO2e
    glyph_lost: bool = False

    @property
    def text(self) -> str:
        return f"{self.mass}{self.series}"


def emission_unit(text: str) -> EmissionUnit | None:
    """kgCO₂ eq, kgCO2e, kgCOe, kgCOeq, 千克二氧化碳当量 -> EmissionUnit."""
    t = squash(text)
    if not t:
        return None
    low = t.lower()
    for k, (mass, series) in _CJK_EMISSION.items():
        if low == k:
            return EmissionUnit(mass, series)
    m = _EMISSION_RE.match(t)
    if not m:
        return None
    # "kgCOe" / "kgCOeq": the subscript 2 was lost. "kgCO" alone too.
    glyph_lost = "co2" not in low and "二氧化碳" not in t
    series = "CO2e" if m.group("eq") else "CO2"
    return EmissionUnit(_MASS[m.group("mass").lower() if m.group("mass").isascii() else m.group("mass")], series,
                        glyph_lost)


def activity_unit(text: str, item: str | None = None) -> tuple[str, str | None] | None:
    """Normalise an activity unit; returns (unit, note). 'm' beside a gas is m³ with its glyph lost."""
    t = squash(text).lower().replace("³", "3").replace("²", "2")
    if not t:
        return None
    unit = _ACTIVITY.get(t)
    if unit is None and len(t) > 3 and t.endswith("s"):
        unit = _ACTIVITY.get(t[:-1])
    if unit is None:
        return None
    if unit == "m" and item and is_volume_item(item):
        return "m3", "printed 'm': the superscript ³ was lost; read as m³"
    return unit, None


_VOLUME_ITEMS = ("天然气", "煤气", "燃气", "液化天然气", "沼气", "水", "natural gas", "gas", "water", "biogas")


def is_volume_item(item: str) -> bool:
    i = fold(item).lower()
    return any(v in i for v in _VOLUME_ITEMS)


@dataclass(frozen=True)
class FactorUnit:
    emission: EmissionUnit
    per: str           # normalised activity unit
    per_note: str | None = None

    @property
    def text(self) -> str:
        return f"{self.emission.text}/{self.per}"


def factor_unit(text: str, item: str | None = None) -> FactorUnit | None:
    """kgCO₂e/kW·h, tCO2/GJ, kgCO2e/(t·km), kgCO2/m -> FactorUnit."""
    t = squash(text)
    if "/" not in t:
        return None
    num, _, den = t.partition("/")
    e = emission_unit(num)
    if e is None:
        return None
    den = den.strip("()（）")
    a = activity_unit(den, item)
    if a is None:
        return None
    return FactorUnit(e, a[0], a[1])


# ---------------------------------------------------------------- pint algebra

_PINT_NAMES = {"kWh": "kilowatt_hour", "MWh": "megawatt_hour", "kg": "kilogram", "t": "tonne", "g": "gram",
               "m3": "meter**3", "L": "liter", "MJ": "megajoule", "GJ": "gigajoule", "TJ": "terajoule",
               "t*km": "tonne*kilometer", "km": "kilometer", "unit": "item", "m2": "meter**2", "m": "meter",
               "10^4 kWh": "wan_kilowatt_hour", "10^4 m3": "wan_cubic_meter"}


@lru_cache(maxsize=1)
def registry() -> Any:
    """pint's unit registry with CO2 and CO2e as dimensions of their own (untyped: pint is)."""
    import pint

    ureg: Any = pint.UnitRegistry()
    # CO2 and CO2e are kept apart: a factor in kgCO2/kWh times kWh is not a mass of CO2e.
    ureg.define("CO2 = [co2]")
    ureg.define("CO2e = [co2e]")
    ureg.define("item = [item]")
    # 万千瓦时 / 万立方米: pint refuses a scaling factor inside a unit expression ("1e4*kilowatt_hour"), so they
    # are units of their own
    ureg.define("wan_kilowatt_hour = 1e4 * kilowatt_hour")
    ureg.define("wan_cubic_meter = 1e4 * meter ** 3")
    return ureg


def pint_tables() -> dict:
    """What check_product needs of pint, for every unit the parser knows: each mass unit in each other, and each
    activity unit in each factor's per-unit (None: another dimension). Written to data/unit_table.json by
    `python -m auditor.units`; tests/test_units_numbers.py checks the file against pint."""
    import pint

    ureg = registry()
    masses = ("g", "kg", "t")
    mass = {f"{a}>{b}": float(ureg.Quantity(1, _PINT_NAMES[a]).to(_PINT_NAMES[b]).magnitude)
            for a in masses for b in masses}
    ratio: dict[str, float | None] = {}
    for per in _PINT_NAMES:
        for act in _PINT_NAMES:
            try:
                ratio[f"{act}>{per}"] = float(ureg.Quantity(1, _PINT_NAMES[act]).to(_PINT_NAMES[per]).magnitude)
            except pint.DimensionalityError:
                ratio[f"{act}>{per}"] = None
    return {"generated_by": "python -m auditor.units (from pint)", "mass": mass, "ratio": ratio}


@lru_cache(maxsize=1)
def _table() -> dict:
    """pint's answers, computed once and shipped: importing pint and building its registry costs about 0.6 s,
    more than reading a 10-page report. A unit missing from the file is asked of pint itself."""
    import json
    from importlib import resources

    try:
        return json.loads(resources.files("auditor").joinpath("data/unit_table.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"mass": {}, "ratio": {}}


TEN4 = "10^4 "      # 万: tens of thousands of a unit (万kWh, 万m³, 万t·km)


def _convert(kind: str, src: str, dst: str) -> float | None:
    key = f"{src}>{dst}"
    table = _table()[kind]
    if key in table:
        return table[key]
    if src.startswith(TEN4) or dst.startswith(TEN4):   # any unit in tens of thousands, table or not
        base = _convert(kind, src.removeprefix(TEN4), dst.removeprefix(TEN4))
        if base is None:
            return None
        return base * (10000 if src.startswith(TEN4) else 1) / (10000 if dst.startswith(TEN4) else 1)
    import pint

    try:
        return float(registry().Quantity(1, _PINT_NAMES[src]).to(_PINT_NAMES[dst]).magnitude)
    except pint.DimensionalityError:
        return None


@lru_cache(maxsize=4096)
def check_product(factor: FactorUnit, activity: str, emission: EmissionUnit | None) -> tuple[bool, Msg, float | None]:
    """Does factor x activity give a mass of CO2(e)? Returns (ok, explanation, scale to the emission unit). The
    explanation is a catalogue message: its id says which (units.not-a-mass, units.other-series,
    units.mass-unconvertible, units.product). Cached: the table readers ask it for every row, and a few unit
    pairs recur (building the message costs more than the lookup)."""
    target_series = emission.series if emission else factor.emission.series
    target_mass = emission.mass if emission else factor.emission.mass
    per_activity = _convert("ratio", activity, factor.per)
    if per_activity is None:
        return False, T("units.not-a-mass", factor=factor.text, activity=activity,
                        product=f"{factor.emission.mass}{factor.emission.series}·{activity}/{factor.per}",
                        target=target_series), None
    if factor.emission.series != target_series:
        return False, T("units.other-series", factor=factor.text, activity=activity, series=factor.emission.series,
                        target=target_series), None
    mass_scale = _convert("mass", factor.emission.mass, target_mass)
    if mass_scale is None:   # g, kg and t always convert; an unknown mass unit does not
        return False, T("units.mass-unconvertible", mass=factor.emission.mass, target=target_mass), None
    scale = per_activity * mass_scale
    return True, T("units.product", factor=factor.text, activity=activity, target=f"{target_mass}{target_series}",
                   scale=f"{scale:g}"), float(scale)

if __name__ == "__main__":
    import json
    from pathlib import Path

    out = Path(__file__).parent / "data" / "unit_table.json"
    out.write_text(json.dumps(pint_tables(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {out}")
