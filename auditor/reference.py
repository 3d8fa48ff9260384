"""The reference factor library: data files with value, unit, vintage, series, source.

The bundled file is data/factors.toml; users add their own with --factors FILE
(same format). Later files override entries with the same id.
"""
from __future__ import annotations

import tomllib
from datetime import date
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from .vocab import norm


class RefValue(BaseModel):
    value: Decimal
    unit: str


class RefFactor(BaseModel):
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


class RegionalTable(BaseModel):
    unit: str
    series: Literal["CO2", "CO2e"]
    years: list[int]
    announced: list[date]
    source: str
    confidence: str = "official"
    values: dict[str, list[Decimal]]

    def value(self, region: str, year: int) -> Decimal | None:
        r = next((k for k in self.values if k == region.strip()), None)
        if r is None or year not in self.years:
            return None
        return self.values[r][self.years.index(year)]


class Gwp(BaseModel):
    source: str
    years: dict[str, list[int]]
    values: dict[str, dict[str, float]]


class Library(BaseModel):
    factors: list[RefFactor] = Field(default_factory=list)
    regional_co2: RegionalTable | None = None
    gwp: Gwp | None = None
    files: list[str] = Field(default_factory=list)

    def for_item(self, item: str | None) -> list[RefFactor]:
        """Reference entries whose names occur in a printed item name; the longest name wins."""
        if not item:
            return []
        t = norm(item)
        best_len = 0
        hits: list[RefFactor] = []
        for f in self.factors:
            for n in f.names:
                nn = norm(n)
                if nn and (nn == t or (len(nn) >= 2 and nn in t) or (len(nn) == 1 and t == nn)):
                    if len(nn) > best_len:
                        best_len, hits = len(nn), [f]
                    elif len(nn) == best_len and f not in hits:
                        hits.append(f)
        return hits

    def electricity(self, series: str | None = None) -> list[RefFactor]:
        return [f for f in self.factors if f.item == "electricity" and (series is None or f.series == series)]

    def official_national(self, year: int, series: str) -> RefFactor | None:
        return next((f for f in self.electricity(series) if f.vintage == year and f.confidence == "official"), None)


def _load_file(text: str, lib: Library, name: str) -> None:
    data = tomllib.loads(text)
    by_id = {f.id: i for i, f in enumerate(lib.factors)}
    for raw in data.get("factor", []):
        f = RefFactor.model_validate(raw)
        if f.id in by_id:
            lib.factors[by_id[f.id]] = f
        else:
            by_id[f.id] = len(lib.factors)
            lib.factors.append(f)
    if "regional_co2" in data:
        lib.regional_co2 = RegionalTable.model_validate(data["regional_co2"])
    if "gwp" in data:
        lib.gwp = Gwp.model_validate(data["gwp"])
    lib.files.append(name)


@lru_cache(maxsize=16)
def _cached(paths: tuple[str, ...]) -> Library:
    lib = Library()
    _load_file(resources.files("auditor").joinpath("data/factors.toml").read_text(encoding="utf-8"), lib,
               "builtin:factors.toml")
    for p in paths:
        _load_file(Path(p).read_text(encoding="utf-8"), lib, str(p))
    return lib


def load_library(extra: list[str | Path] | None = None) -> Library:
    return _cached(tuple(str(p) for p in extra or []))
