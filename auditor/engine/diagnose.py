"""Likely causes of a mismatch: a one-digit typo, two digits swapped, a decimal shift, a factor in the wrong unit."""
from __future__ import annotations

from decimal import Decimal

from .. import regexes as regex
from ..i18n import J, Msg, T
from ..numbers import Interval, fmt, sig
from .reference import Library, RefFactor

DECIMAL_PLACE = {1: "digit.decimal-1", 2: "digit.decimal-2", 3: "digit.decimal-3"}
INTEGER_PLACE = {1: "digit.units", 2: "digit.tens", 3: "digit.hundreds", 4: "digit.thousands"}


DIGITS_ONLY = regex.compile(r"-?(\d+\.?\d*|\.\d+)")


def _digits(text: str) -> str:
    """The number's sign, digits and point, or "" when it is not a plain decimal (1.5E-3, 7.7×10^-3: no typing
    slip is looked for in those)."""
    t = "".join(ch for ch in text if ch.isdigit() or ch in ".-")
    if regex.search(r"[eE×]", text) or not DIGITS_ONLY.fullmatch(t):
        return ""
    return t


def _place(text: str, idx: int) -> Msg:
    """Name the position of the character at idx: 'the 3rd decimal place' or 'the tens'."""
    if "." in text:
        dot = text.index(".")
        if idx > dot:
            n = idx - dot
            return T(DECIMAL_PLACE.get(n, "digit.decimal-n"), n=n)
        n = dot - idx
    else:
        n = len(text) - idx
    return T(INTEGER_PLACE.get(n, "digit.left-of-point"), n=n)


def digit_slip(stated: str, expected: str) -> Msg | None:
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
        return T("cause.digit-differs", printed=a[i], meant=b[i], place=_place(a, i))
    if len(diff) == 2 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]] and "." not in (a[diff[0]], a[diff[1]]):
        i, j = diff
        if j == i + 1 or (j == i + 2 and a[i + 1] == "."):
            return T("cause.adjacent-swapped", printed=a[i] + a[j], meant=b[i] + b[j])
        return T("cause.digits-swapped", first=a[i], first_place=_place(a, i), second=a[j],
                 second_place=_place(a, j))
    return None


def _dropped_or_doubled(a: str, b: str) -> Msg | None:
    """One digit more or fewer than expected, the others in order: a digit left out or typed twice."""
    longer, shorter, dropped = (b, a, True) if len(b) > len(a) else (a, b, False)
    if len(longer) != len(shorter) + 1:
        return None
    for i in range(len(longer)):
        if longer[:i] + longer[i + 1:] == shorter and longer[i] != ".":
            if dropped:
                return T("cause.digit-dropped", digit=longer[i], place=_place(longer, i), expected=b)
            return T("cause.digit-extra", digit=longer[i], place=_place(longer, i), printed=a)
    return None


def decimal_shift(stated: Decimal, expected: Decimal) -> Msg | None:
    """The same digits with the decimal point moved (x10, x100, x1000 ...)."""
    if stated == 0 or expected == 0:
        return None
    ratio = stated / expected
    for k in (1, 2, 3, 4, 6):
        for sign, mid in ((1, "cause.decimal-shift-larger"), (-1, "cause.decimal-shift-smaller")):
            target = Decimal(10) ** (sign * k)
            if abs(ratio / target - 1) < Decimal("0.002"):
                return T(mid, times=10 ** k)
    return None


def unit_slip(stated: Decimal, expected: Decimal, unit: str | None = None) -> Msg | None:
    """A factor 1000 times too large or too small: a value per tonne printed or used per kilogram (or the other
    way round), or per MWh as per kWh."""
    if stated == 0 or expected == 0:
        return None
    ratio = stated / expected
    for k, ids in ((Decimal(1000), ("cause.unit-slip-larger", "cause.unit-slip-larger-unit")),
                   (Decimal("0.001"), ("cause.unit-slip-smaller", "cause.unit-slip-smaller-unit"))):
        if abs(ratio / k - 1) < Decimal("0.002"):
            return T(ids[1], unit=unit) if unit else T(ids[0])
    return None


def copied_from(stated: Decimal, stated_text: str, others: list[tuple[str, str]]) -> Msg | None:
    """The printed value equals the value printed for another stage or row: copied from there.
    others: (label, printed text) of the other stages or rows."""
    hits = [label for label, text in others if text == stated_text]
    if not hits or stated == 0:
        return None
    return T("cause.copied", printed=stated_text, other=hits[0])


def cause_for(stated_text: str, stated: Decimal, expected: Decimal, decimals: int,
              others: list[tuple[str, str]] | None = None, expected_text: str | None = None) -> Msg | None:
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
                 implied: Interval | None, library: Library,
                 activity_unit: str | None) -> tuple[Msg | None, RefFactor | None]:
    """Explain a factor that does not multiply out: '0.0726 is diesel's tCO2/GJ; the printed emissions imply
    3.096 kgCO2/kg, the per-kg default is 3.0959'."""
    refs = library.for_item(item)
    e = energy_basis(printed_value, printed_decimals, refs)
    m = implied_match(implied, refs) if implied is not None else None
    per: str | Msg = activity_unit or (e.per if e else m.per if m else T("word.unit"))
    parts = []
    if e is not None and e.per_energy is not None:
        parts.append(T("cause.energy-basis", printed=printed, item=e.label, energy_unit=e.per_energy.unit, per=per))
    if implied is not None and implied.lo.is_finite() and implied.hi.is_finite():
        if m is not None:
            parts.append(T("cause.implied-factor-reference", implied=sig(implied.mid, 4), per=per, ref_per=m.per,
                           item=m.label, value=str(m.value), unit=m.unit))
        else:
            parts.append(T("cause.implied-factor", implied=sig(implied.mid, 4), per=per))
    if not parts:
        return None, None
    return (parts[0] if len(parts) == 1 else J(parts, "semicolon")), e or m


# ---------------------------------------------------------------- which printed number is the slip?


def slip_variants(text: str) -> list[tuple[str, Msg]]:
    """Numbers one typing slip away from a printed number: one digit changed, two digits swapped, the point
    moved by one to three places. Returns (variant as printed, what the slip was)."""
    t = _digits(text)
    if not t or t.count(".") > 1:
        return []
    out: list[tuple[str, Msg]] = []
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
                 interval_of) -> tuple[str, Msg] | None:
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
