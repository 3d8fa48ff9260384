"""Likely causes of a mismatch: a one-digit typo, two digits swapped, a decimal shift, a factor in the wrong unit."""
from __future__ import annotations

from decimal import Decimal

from .. import regexes as regex
from ..numbers import Interval, fmt, sig
from .reference import Library, RefFactor

ORD = {1: "1st", 2: "2nd", 3: "3rd"}


DIGITS_ONLY = regex.compile(r"-?(\d+\.?\d*|\.\d+)")


def _digits(text: str) -> str:
    """The number's sign, digits and point, or "" when it is not a plain decimal (1.5E-3, 7.7×10^-3: no typing
    slip is looked for in those)."""
    t = "".join(ch for ch in text if ch.isdigit() or ch in ".-")
    if regex.search(r"[eE×]", text) or not DIGITS_ONLY.fullmatch(t):
        return ""
    return t


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
    """Typing slips between a printed number and the expected one, both as printed to the same decimals:

    '81.9886' vs '81.9386' -> 'one digit differs: 8 printed for 3 in the 2nd decimal place';
    '1.1416' vs '1.1146'  -> 'two adjacent digits swapped: 41 printed for 14';
    '18.2035' vs '13.2085' -> 'two digits swapped: 8 and 3 ...';
    '81.986' vs '81.9886' -> 'a digit left out' (a dropped or doubled digit shifts the rest).
    """
    a, b = _digits(stated), _digits(expected)
    if a == b or not a or not b:
        return None
    if len(a) != len(b):
        return _dropped_or_doubled(a, b)
    if a.find(".") != b.find("."):
        return None
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    if len(diff) == 1:
        i = diff[0]
        if a[i] == "." or b[i] == ".":
            return None
        return f"one digit differs: {a[i]} printed for {b[i]} in {_place(a, i)}"
    if len(diff) == 2 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]] and "." not in (a[diff[0]], a[diff[1]]):
        i, j = diff
        if j == i + 1 or (j == i + 2 and a[i + 1] == "."):
            return f"two adjacent digits swapped: {a[i]}{a[j]} printed for {b[i]}{b[j]} (a transposition)"
        return (f"two digits swapped: {a[i]} in {_place(a, i)} and {a[j]} in {_place(a, j)} "
                f"(a transposition)")
    return None


def _dropped_or_doubled(a: str, b: str) -> str | None:
    """One digit more or fewer than expected, the others in order: a digit left out or typed twice."""
    longer, shorter, dropped = (b, a, True) if len(b) > len(a) else (a, b, False)
    if len(longer) != len(shorter) + 1:
        return None
    for i in range(len(longer)):
        if longer[:i] + longer[i + 1:] == shorter and longer[i] != ".":
            if dropped:
                return f"a digit left out: {_digit_at(longer, i)} of {b} is missing"
            return f"a digit typed twice or inserted: {_digit_at(longer, i)} in {a} is extra"
    return None


def _digit_at(text: str, i: int) -> str:
    return f"the {text[i]} in {_place(text, i)}"


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


def unit_slip(stated: Decimal, expected: Decimal, unit: str | None = None) -> str | None:
    """A factor 1000 times too large or too small: a value per tonne printed or used per kilogram (or the other
    way round), or per MWh as per kWh."""
    if stated == 0 or expected == 0:
        return None
    ratio = stated / expected
    for k, pair in ((Decimal(1000), ("t", "kg")), (Decimal("0.001"), ("kg", "t"))):
        if abs(ratio / k - 1) < Decimal("0.002"):
            big, small = pair
            per = f" (printed unit {unit})" if unit else ""
            return (f"{'1,000x larger' if k > 1 else '1,000x smaller'} than expected: a factor per {big} "
                    f"applied per {small}{per}: a kg/t (or kWh/MWh) unit slip")
    return None


def copied_from(stated: Decimal, stated_text: str, others: list[tuple[str, str]]) -> str | None:
    """The printed value equals the value printed for another stage or row: copied from there.
    others: (label, printed text) of the other stages or rows."""
    hits = [label for label, text in others if text == stated_text]
    if not hits or stated == 0:
        return None
    return f"{stated_text} is the value printed for {hits[0]}: copied from another row"


def cause_for(stated_text: str, stated: Decimal, expected: Decimal, decimals: int,
              others: list[tuple[str, str]] | None = None, expected_text: str | None = None) -> str | None:
    """The likeliest slip that turns the expected value into the printed one: copied from another row, one digit
    changed, two digits swapped, a digit dropped or doubled, or the decimal point moved."""
    exp_text = expected_text or fmt(expected, decimals)
    return (copied_from(stated, stated_text, others or []) or digit_slip(stated_text, exp_text)
            or decimal_shift(stated, expected))


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
    if not implied.bounded:
        return None
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
    if e is not None and e.per_energy is not None:
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


# ---------------------------------------------------------------- which printed number is the slip?


def slip_variants(text: str) -> list[tuple[str, str]]:
    """Numbers one typing slip away from a printed number: one digit changed, two digits swapped, the point
    moved by one to three places. Returns (variant as printed, what the slip was)."""
    t = _digits(text)
    if not t or t.count(".") > 1:
        return []
    out: list[tuple[str, str]] = []
    seen = {t}
    pos = [i for i, ch in enumerate(t) if ch.isdigit()]

    def add(v: str) -> None:
        if v in seen or (len(v) > 1 and v[0] == "0" and v[1] != "."):
            return
        seen.add(v)
        why = digit_slip(t, v)
        if why:
            out.append((v, why))

    for i in pos:
        for d in "0123456789":
            if d != t[i]:
                add(t[:i] + d + t[i + 1:])
    for a in range(len(pos)):
        for b in range(a + 1, len(pos)):
            i, j = pos[a], pos[b]
            if t[i] != t[j]:
                add(t[:i] + t[j] + t[i + 1:j] + t[i] + t[j + 1:])
    return out


def explain_slip(printed_text: str, printed_decimals: int, implied: Interval,
                 interval_of) -> tuple[str, str] | None:
    """If a one-slip variant of the printed number fits the implied interval, the printed number is the likely
    typo: returns (the variant, the slip), the variant nearest the implied value first.
    interval_of(text, decimals) gives the interval a printed text stands for."""
    if not (implied.lo.is_finite() and implied.hi.is_finite()):
        return None
    fits = []
    for v, why in slip_variants(printed_text):
        iv = interval_of(Decimal(v), printed_decimals)
        if iv.overlaps(implied):
            fits.append((abs(Decimal(v) - implied.mid), v, why))
    if not fits:
        shift = decimal_shift(Decimal(_digits(printed_text) or "0"), implied.mid) if implied.mid else None
        return (sig(implied.mid, 5), shift) if shift else None
    fits.sort()
    return fits[0][1], fits[0][2]
