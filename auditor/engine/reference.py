"""The reference factor library: data files with value, unit, vintage, series, source.

The bundled file is data/factors.toml; users add their own with --factors FILE
(same format). Later files override entries with the same id.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from .. import regexes as regex
from ..i18n import L, Msg, T
from ..model import new_dict, new_list
from ..numbers import fold
from ..startup import toml_file
from ..vocab import norm


class RefValue(BaseModel):
    model_config = ConfigDict(defer_build=True)
    value: Decimal
    unit: str


class RefFactor(BaseModel):
    model_config = ConfigDict(defer_build=True)
    id: str
    item: str
    names: list[str]
    value: Decimal
    unit: str
    series: Literal["CO2", "CO2e"]
    kind: str
    region: str | None = None
    vintage: int | None = None
    announced: date | None = None
    confidence: Literal["official", "default", "unconfirmed", "range"] = "default"
    source: str
    per_energy: RefValue | None = None
    per_volume: RefValue | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    combustion: bool = False

    @property
    def per(self) -> str:
        return self.unit.split("/", 1)[1]

    @property
    def label(self) -> Msg:
        """The item named in the reader's language: its key in English, its first Chinese name in Chinese."""
        zh = next((n for n in self.names if regex.search(r"\p{Han}", n)), None)
        return L(en=self.item, zh=zh or self.item)


REGION_SUFFIX = regex.compile(r"(?:省|市|自治区|壮族自治区|回族自治区|维吾尔自治区|特别行政区|电网|区域电网|区域|地区|grid)$")


def region_key(name: str) -> str:
    """'浙江省' -> '浙江', '华东电网' -> '华东', '华东区域' -> '华东'."""
    t = norm(name)
    for _ in range(2):
        t = REGION_SUFFIX.sub("", t)
    return t


MASS_PER = {"g": Decimal("0.001"), "kg": Decimal(1), "t": Decimal(1000)}
# activity units a factor can be converted between: (dimension, size in the dimension's base unit)
BASIS = {"g": ("mass", Decimal("0.001")), "kg": ("mass", Decimal(1)), "t": ("mass", Decimal(1000)),
         "kWh": ("energy", Decimal(1)), "MWh": ("energy", Decimal(1000)), "10^4 kWh": ("energy", Decimal(10000)),
         "m3": ("volume", Decimal(1)), "10^4 m3": ("volume", Decimal(10000)), "L": ("volume", Decimal("0.001"))}


def same_basis(a: str, b: str) -> bool:
    """Factors per a and per b compare after a conversion: the same unit, or units of one dimension (kg and t,
    kWh and MWh, m3 and 10^4 m3)."""
    return a == b or (a in BASIS and b in BASIS and BASIS[a][0] == BASIS[b][0])


def per_scale(printed: str, ref: str) -> Decimal:
    """How many reference units one printed unit is: t -> kg 1000, MWh -> kWh 1000 (1 when they are one unit or
    cannot be converted)."""
    if printed != ref and same_basis(printed, ref):
        return BASIS[printed][1] / BASIS[ref][1]
    return Decimal(1)


def _words(item: str) -> str:
    """The printed name folded and lower-cased with its spaces kept (norm drops them: 'paper' -> 'paper')."""
    return " ".join(fold(item).lower().split())


@lru_cache(maxsize=4096)
def _word_forms(name: str) -> tuple[str, ...]:
    """A Latin name as it may be printed: its words with single spaces, or run together."""
    words = fold(name).lower().split()
    return tuple(dict.fromkeys([" ".join(words), "".join(words)]))


def _whole_word(name: str, text: str) -> bool:
    """A Latin name as a whole word of text: no letter directly before or after it (digits may follow: PA66,
    PP-H; a plural s or es may too). Plain string search: a regex per name costs more to compile than to run."""
    for form in _word_forms(name):
        start = text.find(form)
        while start >= 0:
            end = start + len(form)
            before = text[start - 1] if start else ""
            rest = text[end:]
            if rest.startswith("es"):
                rest = rest[2:]
            elif rest.startswith("s"):
                rest = rest[1:]
            after = rest[:1]
            if not ("a" <= before <= "z") and not ("a" <= after <= "z"):
                return True
            start = text.find(form, start + 1)
    return False


class RegionalTable(BaseModel):
    model_config = ConfigDict(defer_build=True)
    unit: str
    series: Literal["CO2", "CO2e"]
    years: list[int]
    announced: list[date]
    source: str
    confidence: str = "official"
    values: dict[str, list[Decimal | None]]

    @model_validator(mode="after")
    def _shape(self):
        if len(self.announced) != len(self.years):
            raise ValueError("announced needs one date per year")
        for region, vals in self.values.items():
            if len(vals) != len(self.years):
                raise ValueError(f"{region}: {len(vals)} values for {len(self.years)} years")
        return self

    def region(self, name: str) -> str | None:
        key = region_key(name)
        return next((k for k in self.values if region_key(k) == key), None)

    def value(self, region: str, year: int) -> Decimal | None:
        r = self.region(region)
        if r is None or year not in self.years:
            return None
        return self.values[r][self.years.index(year)]

    def announced_for(self, year: int) -> date | None:
        return self.announced[self.years.index(year)] if year in self.years else None


class Gwp(BaseModel):
    model_config = ConfigDict(defer_build=True)
    source: str
    years: dict[str, list[int]]
    values: dict[str, dict[str, float]]
    alternates: dict[str, dict[str, list[float]]] = Field(
        default_factory=new_dict, description="other values the same report publishes for a gas (AR5 with climate-carbon "
                                          "feedback, AR6 fossil methane)")


class Library(BaseModel):
    model_config = ConfigDict(defer_build=True)
    factors: list[RefFactor] = Field(default_factory=new_list)
    regional_co2: RegionalTable | None = None
    provincial_co2: RegionalTable | None = None
    gwp: Gwp | None = None
    files: list[str] = Field(default_factory=new_list)
    _found: dict[tuple[str, str | None], list[RefFactor]] = PrivateAttr(default_factory=dict)
    _names: list[tuple[RefFactor, list[tuple[str, str, bool]]]] | None = PrivateAttr(default=None)

    def regional(self, region: str, year: int) -> tuple[Decimal, Msg] | None:
        """The official CO2 factor of a grid region or province for a year, with which table it came from (in
        words: 'regional CO2', 'provincial CO2')."""
        for table, what in ((self.regional_co2, T("word.regional-co2")),
                            (self.provincial_co2, T("word.provincial-co2"))):
            if table is not None:
                v = table.value(region, year)
                if v is not None:
                    return v, what
        return None

    def official_by_value(self, value: Decimal, item: str = "electricity") -> list[RefFactor]:
        """Official entries printing exactly this value (e.g. 0.5777: the 2024 national footprint factor)."""
        return [f for f in self.factors if f.confidence == "official" and f.value == value
                and (f.item == item or f.item.startswith(item + " "))]

    def gwp_value(self, gas: str, report: str) -> Decimal | None:
        if self.gwp is None:
            return None
        v = self.gwp.values.get(gas, {}).get(report)
        return Decimal(str(v)) if v is not None else None

    def gwp_values(self, gas: str, report: str) -> list[Decimal]:
        """Every value the assessment report publishes for the gas (main value first)."""
        if self.gwp is None:
            return []
        main = self.gwp.values.get(gas, {}).get(report)
        alts = self.gwp.alternates.get(gas, {}).get(report, [])
        return [Decimal(str(v)) for v in ([main] if main is not None else []) + list(alts)]

    def gwp_reports_for(self, gas: str, value: Decimal) -> list[str]:
        """The assessment reports that publish this value for the gas."""
        if self.gwp is None:
            return []
        return [ar for ar in self.gwp.values.get(gas, {}) if value in self.gwp_values(gas, ar)]

    def for_item(self, item: str | None, per: str | None = None) -> list[RefFactor]:
        """Reference entries whose names occur in a printed item name; the longest name wins.

        Names in Latin letters match only as whole words (PE is not found in 'paper', air not in 'repair'; a
        plural s is allowed); others as substrings (钢材 in 冷轧钢材), one-character names only as the whole item.
        per: only entries on a basis the factor can be converted to (kg, t and g are one basis), so that
        '滑石粉 铁路' at kgCO2e/(t*km) finds rail freight rather than talc.

        A report asks for the same items many times (each rule that looks at a line): the answers are kept per
        (item, basis) until the library changes, and the entries' names are normalized once."""
        if not item:
            return []
        key = (item, per)
        hits = self._found.get(key)
        if hits is None:
            hits = self._found[key] = self._search(item, per)
        return list(hits)

    def _search(self, item: str, per: str | None) -> list[RefFactor]:
        if self._names is None:
            self._names = [(f, [(nn, n, nn.isascii()) for n in f.names if (nn := norm(n))]) for f in self.factors]
        t = norm(item)
        words = _words(item)
        best_len = 0
        hits: list[RefFactor] = []
        for f, names in self._names:
            if per is not None and not same_basis(f.per, per):
                continue
            for nn, n, ascii_name in names:
                if ascii_name:
                    found = nn == t or _whole_word(n, words)
                else:
                    found = nn == t or (len(nn) >= 2 and nn in t)
                if found:
                    if len(nn) > best_len:
                        best_len, hits = len(nn), [f]
                    elif len(nn) == best_len and f not in hits:
                        hits.append(f)
        return hits

    def changed(self) -> None:
        """Forget the kept lookups (the entries were added to or replaced)."""
        self._found.clear()
        self._names = None

    def electricity(self, series: str | None = None) -> list[RefFactor]:
        return [f for f in self.factors if f.item == "electricity" and (series is None or f.series == series)]

    def official_national(self, year: int, series: str) -> RefFactor | None:
        return next((f for f in self.electricity(series) if f.vintage == year and f.confidence == "official"), None)


class LibraryError(ValueError):
    """A factor file that cannot be used: not TOML, or an entry missing a field or with a bad value."""


def _load_file(text: str, lib: Library, name: str) -> None:
    import tomllib  # (the bundled library comes parsed from the start-up cache)

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise LibraryError(f"{name}: not valid TOML: {e}") from None
    _load_data(data, lib, name)


def _load_data(data: dict, lib: Library, name: str) -> None:
    unknown = set(data) - {"factor", "regional_co2", "provincial_co2", "gwp"}
    if unknown:
        raise LibraryError(f"{name}: unknown table(s) {', '.join(sorted(unknown))}; expected [[factor]], "
                           f"[regional_co2], [provincial_co2] or [gwp]")
    by_id = {f.id: i for i, f in enumerate(lib.factors)}
    for n, raw in enumerate(data.get("factor", []), 1):
        try:
            f = RefFactor.model_validate(raw)
        except ValidationError as e:
            what = raw.get("id") if isinstance(raw, dict) else None
            raise LibraryError(f"{name}: factor #{n}{f' ({what})' if what else ''}: "
                               + "; ".join(f"{'.'.join(map(str, x['loc']))}: {x['msg']}" for x in e.errors())) from None
        if f.id in by_id:
            lib.factors[by_id[f.id]] = f
        else:
            by_id[f.id] = len(lib.factors)
            lib.factors.append(f)
    for key, model in (("regional_co2", RegionalTable), ("provincial_co2", RegionalTable), ("gwp", Gwp)):
        if key in data:
            try:
                setattr(lib, key, model.model_validate(data[key]))
            except ValidationError as e:
                raise LibraryError(f"{name}: [{key}]: " + "; ".join(
                    f"{'.'.join(map(str, x['loc']))}: {x['msg']}" for x in e.errors())) from None
    lib.files.append(name)
    lib.changed()


@lru_cache(maxsize=16)
def _cached(paths: tuple[str, ...]) -> Library:
    lib = Library()
    _load_data(toml_file(Path(__file__).resolve().parent.parent / "data" / "factors.toml", "factors"), lib,
               "builtin:factors.toml")
    for p in paths:
        try:
            text = Path(p).read_text(encoding="utf-8")
        except OSError as e:
            raise LibraryError(f"{p}: cannot read: {e.strerror or e}") from None
        _load_file(text, lib, str(p))
    return lib


def load_library(extra: Sequence[str | Path] | None = None) -> Library:
    return _cached(tuple(str(p) for p in extra or []))
