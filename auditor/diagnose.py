"""Likely causes of a mismatch: a one-digit typo, two digits swapped, a decimal shift, a factor in the wrong unit."""
from __future__ import annotations

from decimal import Decimal

from .numbers import Interval, fmt, sig
from .reference import Library, RefFactor

ORD = {1: "1st", 2: "2nd", 3: "3rd"}


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit() or ch in ".-")


def _place(text: str, idx: int) -> str:
    """Name the position of the character at idx: 'the 3rd decimal place' or 'the tens'."""
    if "." in text:
        dot = text.index(".")
        if idx > dot:
            n = idx - dot
            return f"the {ORD.get(n, f'{n}th')} decimal place"
        n = dot - idx
    else:
        n = len(text) - idx
    return {1: "the units", 2: "the tens", 3: "the hundreds", 4: "the thousands"}.get(n, f"digit {n} left of the point")


def digit_slip(stated: str, expected: str) -> str | None:
    """'81.9886' vs '81.9386' -> 'one digit differs: 8 printed for 3 in the 2nd decimal place'."""
    a, b = _digits(stated), _digits(expected)
    if len(a) != len(b) or a == b:
        return None
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    if len(diff) == 1:
        i = diff[0]
        if a[i] == "." or b[i] == ".":
            return None
        return f"one digit differs: {a[i]} printed for {b[i]} in {_place(a, i)}"
    if len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]] \
            and "." not in (a[diff[0]], a[diff[1]]):
        return f"two adjacent digits swapped: {a[diff[0]]}{a[diff[1]]} printed for {b[diff[0]]}{b[diff[1]]}"
    return None


def decimal_shift(stated: Decimal, expected: Decimal) -> str | None:
    """The same digits with the decimal point moved (x10, x100, x1000 ...)."""
    if stated == 0 or expected == 0:
        return None
    ratio = stated / expected
    for k in (1, 2, 3, 4, 6):
        for sign, word in ((1, "larger"), (-1, "smaller")):
            target = Decimal(10) ** (sign * k)
            if abs(ratio / target - 1) < Decimal("0.002"):
                return f"{10 ** k:,}x {word} than expected: a decimal shift or a unit slip (e.g. t vs kg)"
    return None


def cause_for(stated_text: str, stated: Decimal, expected: Decimal, decimals: int) -> str | None:
    exp_text = fmt(expected, decimals)
    return digit_slip(stated_text, exp_text) or decimal_shift(stated, expected)


def close(a: Decimal, b: Decimal, rel: Decimal = Decimal("0.005")) -> bool:
    if b == 0:
        return a == 0
    return abs(a / b - 1) <= rel


def energy_basis(factor: Decimal, factor_decimals: int, refs: list[RefFactor]) -> RefFactor | None:
    """The reference whose per-energy (tCO2/GJ) value the printed factor equals."""
    printed = Interval.printed(factor, factor_decimals)
    for r in refs:
        if r.per_energy is None:
            continue
        pe = r.per_energy.value
        if printed.contains(pe) or close(factor, pe, Decimal("0.003")):
            return r
    return None


def implied_match(implied: Interval, refs: list[RefFactor]) -> RefFactor | None:
    """A reference per-unit value that the implied factor agrees with (within rounding, or 0.5%)."""
    for r in refs:
        if implied.contains(r.value) or close(implied.mid, r.value):
            return r
    return None


def factor_story(item: str | None, printed: str, printed_value: Decimal, printed_decimals: int,
                 implied: Interval | None, library: Library, activity_unit: str | None) -> tuple[str | None, RefFactor | None]:
    """Explain a factor that does not multiply out: '0.0726 is diesel's tCO2/GJ; the printed emissions imply
    3.096 kgCO2/kg, the per-kg default is 3.0959'."""
    refs = library.for_item(item)
    e = energy_basis(printed_value, printed_decimals, refs)
    m = implied_match(implied, refs) if implied is not None else None
    per = activity_unit or (e.per if e else m.per if m else "unit")
    parts = []
    if e is not None:
        parts.append(f"{printed} is {e.item}'s {e.per_energy.unit} (per unit of energy), "
                     f"not a factor per {per}")
    if implied is not None and implied.lo.is_finite() and implied.hi.is_finite():
        txt = f"the printed emissions imply {sig(implied.mid, 4)} per {per}"
        if m is not None:
            txt += f", and the per-{m.per} reference for {m.item} is {m.value} {m.unit}"
        parts.append(txt)
    if not parts:
        return None, None
    return "; ".join(parts), e or m
