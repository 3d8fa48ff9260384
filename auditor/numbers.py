"""Printed numbers: parsing and rounding intervals.

A printed value stands for every exact value that rounds to it. With round half
up, "81.9386" is anything in [81.93855, 81.93865]. Two statements disagree only
when their intervals cannot overlap (XBRL Calculations 1.1 semantics).
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, getcontext
from typing import Literal

from . import regexes as regex

getcontext().prec = 40

RoundingMode = Literal["half-up", "half-even", "truncate"]

# A number as printed: optional sign, digits with optional thousands separators,
# optional decimals, optional exponent. Applied after NFKC folding.
NUMBER = r"[-−–+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+|\s?[×x]\s?10\^?[-−]?\d+)?"
NUMBER_RE = regex.compile(rf"(?<![A-Za-z\d.])({NUMBER})(?![\d])")
FULL_NUMBER_RE = regex.compile(rf"^\s*({NUMBER})\s*(%)?\s*$")


# CJK Radicals Supplement (U+2E80-2EFF) has no compatibility decomposition, so NFKC leaves it alone; some PDF
# producers (Chromium with CFF CJK fonts) put these code points in the text layer for ordinary ideographs
# (马 -> ⻢ U+2EE2). Only radicals that are also standalone characters are mapped; components (氵, 扌) are not.
RADICALS_SUPPLEMENT = {
    "⺊": "卜", "⺌": "小", "⺓": "幺", "⺝": "月", "⺟": "母", "⺠": "民", "⺩": "王", "⺬": "示", "⺮": "竹",
    "⺶": "羊", "⺻": "聿", "⺼": "月", "⺽": "臼", "⻁": "虎", "⻄": "西", "⻅": "见", "⻆": "角", "⻉": "贝",
    "⻋": "车", "⻑": "長", "⻓": "长", "⻔": "门", "⻗": "雨", "⻘": "青", "⻙": "韦", "⻚": "页", "⻛": "风",
    "⻜": "飞", "⻝": "食", "⻢": "马", "⻣": "骨", "⻤": "鬼", "⻥": "鱼", "⻦": "鸟", "⻧": "卤", "⻨": "麦",
    "⻩": "黄", "⻪": "黾", "⻫": "斉", "⻬": "齐", "⻭": "歯", "⻮": "齿", "⻯": "竜", "⻰": "龙", "⻱": "龜",
    "⻲": "亀", "⻳": "龟",
}
_RADICALS = str.maketrans(RADICALS_SUPPLEMENT)


def fold(text: str) -> str:
    """Unicode NFKC folding (Kangxi radicals, full-width digits and punctuation, subscripts), then the CJK
    radicals NFKC does not fold."""
    return unicodedata.normalize("NFKC", text).translate(_RADICALS)


@dataclass(frozen=True)
class Parsed:
    text: str
    value: Decimal
    decimals: int
    percent: bool = False


def parse_number(text: str) -> Parsed | None:
    """Parse one printed number (the whole text must be the number, % allowed)."""
    t = fold(text).strip()
    m = FULL_NUMBER_RE.match(t)
    if not m:
        return None
    return _parsed(m.group(1), percent=bool(m.group(2)), shown=t)


def _parsed(num: str, percent: bool = False, shown: str | None = None) -> Parsed | None:
    s = num.replace("−", "-").replace("–", "-").replace(",", "").replace(" ", "")
    exp = 0
    m = regex.match(r"^(.*?)(?:[eE]([-+]?\d+)|[×x]10\^?([-+]?\d+))$", s)
    if m:
        e = m.group(2) or m.group(3)
        if len(e.lstrip("+-")) > 3:
            return None              # 1e1000000 is no report's number (and would overflow Decimal)
        s, exp = m.group(1), int(e)
    if len(s) > 60:
        return None
    try:
        value = Decimal(s)
    except InvalidOperation:
        return None
    decimals = len(s.split(".", 1)[1]) if "." in s else 0
    if exp:
        if abs(exp) > 100:
            return None
        value = value.scaleb(exp)
        decimals = decimals - exp
    return Parsed(text=shown if shown is not None else num, value=value, decimals=decimals, percent=percent)


def find_numbers(text: str) -> list[tuple[int, int, Parsed]]:
    """Every number in a folded text, with its span."""
    out = []
    for m in NUMBER_RE.finditer(text):
        p = _parsed(m.group(1))
        if p is not None:
            out.append((m.start(1), m.end(1), p))
    return out


# ---------------------------------------------------------------- intervals


@dataclass(frozen=True)
class Interval:
    lo: Decimal
    hi: Decimal

    @staticmethod
    def exact(v: Decimal) -> Interval:
        return Interval(v, v)

    @staticmethod
    def printed(value: Decimal, decimals: int, mode: RoundingMode = "half-up",
                abs_slack: Decimal = Decimal(0), rel_slack: Decimal = Decimal(0)) -> Interval:
        unit = Decimal(1).scaleb(-decimals)
        if mode == "truncate":
            # truncation is toward zero: 1.23 stands for [1.23, 1.24), -1.23 for (-1.24, -1.23], and 0.00 for
            # anything in (-0.01, 0.01) (a printed "-0.00" included)
            if value > 0:
                lo, hi = value, value + unit
            elif value < 0:
                lo, hi = value - unit, value
            else:
                lo, hi = -unit, unit
        else:
            lo, hi = value - unit / 2, value + unit / 2
        slack = abs_slack + abs(value) * rel_slack
        return Interval(lo - slack, hi + slack)

    def __add__(self, other: Interval) -> Interval:
        return Interval(self.lo + other.lo, self.hi + other.hi)

    def __sub__(self, other: Interval) -> Interval:
        return Interval(self.lo - other.hi, self.hi - other.lo)

    def __mul__(self, other: Interval) -> Interval:
        c = [self.lo * other.lo, self.lo * other.hi, self.hi * other.lo, self.hi * other.hi]
        return Interval(min(c), max(c))

    def __truediv__(self, other: Interval) -> Interval:
        if other.lo <= 0 <= other.hi:
            return Interval(Decimal("-Infinity"), Decimal("Infinity"))
        c = [self.lo / other.lo, self.lo / other.hi, self.hi / other.lo, self.hi / other.hi]
        return Interval(min(c), max(c))

    def scale(self, k: Decimal) -> Interval:
        a, b = self.lo * k, self.hi * k
        return Interval(min(a, b), max(a, b))

    def overlaps(self, other: Interval) -> bool:
        return self.lo <= other.hi and other.lo <= self.hi

    def contains(self, v: Decimal) -> bool:
        return self.lo <= v <= self.hi

    @property
    def bounded(self) -> bool:
        """False for what dividing by an interval around zero gives (a printed activity of 0.00)."""
        return self.lo.is_finite() and self.hi.is_finite()

    @property
    def mid(self) -> Decimal:
        """The midpoint; for an unbounded interval its finite end (or 0), so that no caller crashes on it:
        callers that report an implied value check `bounded` first."""
        if self.bounded:
            return (self.lo + self.hi) / 2
        if self.lo.is_finite():
            return self.lo
        return self.hi if self.hi.is_finite() else Decimal(0)

    def gap(self, other: Interval) -> Decimal:
        """Distance between two intervals (0 when they overlap)."""
        if self.overlaps(other):
            return Decimal(0)
        return other.lo - self.hi if other.lo > self.hi else self.lo - other.hi

    def pair(self, decimals: int) -> tuple[str, str]:
        """The bounds to at most `decimals` places, trailing zeros dropped."""
        return _trim(fmt(self.lo, decimals)), _trim(fmt(self.hi, decimals))

    def show(self, decimals: int) -> str:
        return f"[{fmt(self.lo, decimals)}, {fmt(self.hi, decimals)}]"


def _trim(s: str) -> str:
    return s.rstrip("0").rstrip(".") if "." in s else s


def sum_intervals(items) -> Interval:
    total = Interval.exact(Decimal(0))
    for i in items:
        total = total + i
    return total


def fmt(v: Decimal, decimals: int, rounding: str | None = None) -> str:
    """Format a Decimal to a number of decimal places (round half up unless `rounding`, a decimal module
    rounding constant, says otherwise); never "-0.00"."""
    if v.is_infinite():
        return "inf" if v > 0 else "-inf"
    if v.is_nan():
        return "nan"
    q = Decimal(1).scaleb(-max(decimals, 0))
    from decimal import ROUND_HALF_UP, localcontext
    with localcontext() as c:      # room for any printed value (1e45 %) without Decimal's 28-digit overflow
        c.prec = max(c.prec, v.adjusted() + max(decimals, 0) + 2)
        out = v.quantize(q, rounding=rounding or ROUND_HALF_UP)
    return str(out.copy_abs() if out == 0 else out)


def sig(v: Decimal, digits: int = 4) -> str:
    """Format with a number of significant digits, for implied values."""
    if v == 0 or v.is_infinite():
        return str(v)
    exp = v.adjusted()
    return fmt(v, max(digits - 1 - exp, 0))
