"""Cross-report checks: what only shows when reports are compared with each other.

=======  ==================================  ========  =====================================================
code     name                                severity  what
=======  ==================================  ========  =====================================================
BAT001   duplicate-report-number             warning   one report number printed on reports of different
                                                       content
BAT002   near-duplicate-different-values     warning   reports whose prose is near-identical (rapidfuzz ratio
                                                       >= 90 on the normalised text without digits) but whose
                                                       totals or factors differ
BAT003   same-product-different-total        warning   the same product and model with totals more than 2x
                                                       apart
BAT004   identical-files                     info      byte-identical files at different paths
=======  ==================================  ========  =====================================================

Near-duplicates are compared without their digits (a copy whose numbers were all changed is still a copy;
whether the numbers differ is what BAT002 then checks). They are found without comparing every pair: each text
gets a one-permutation MinHash signature (120 bins of its 5-character shingles) cut into 10 bands of 12 bins;
only reports sharing a band whose signatures also agree on at least 80% of the bins (estimated Jaccard of the
shingles) are compared with rapidfuzz, each against one representative per cluster already formed in the band
(single linkage). Reports from one template (about 85% alike, Jaccard ~0.7) are rarely compared; copies with
edits in a few places (95% alike and more, Jaccard >= 0.9) are found almost surely; copies at 90-95% may be
missed, as may copies whose every line was retouched (scattered edits break most shingles). Thousands of
reports cost seconds.
"""
from __future__ import annotations

import unicodedata
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from .. import regexes as regex
from ..i18n import J, Msg, T

SIMILARITY = 90.0       # rapidfuzz.fuzz.ratio on the normalised text without digits, 0-100
TOTAL_RATIO = 2.0       # BAT003: max/min of the totals of one product and model
MIN_TEXT = 300          # shorter texts (without digits) are not compared: too little to tell
SHINGLE = 5
BINS = 120              # one-permutation MinHash bins
ROWS = 12               # bins per LSH band: BINS / ROWS = 10 bands
MIN_JACCARD = 0.8       # estimated from the signatures, before the exact comparison
MAX_REPS_PER_BUCKET = 1000

RULES = {
    "BAT001": ("duplicate-report-number", "warning"),
    "BAT002": ("near-duplicate-different-values", "warning"),
    "BAT003": ("same-product-different-total", "warning"),
    "BAT004": ("identical-files", "info"),
}
# their docs in English (`auditor explain BAT001`; other languages: the catalogue's doc.BAT001)
DOCS = {
    "BAT001": "One report number printed on reports of different content.",
    "BAT002": "Reports whose prose is near-identical (rapidfuzz ratio >= 90 on the normalised text without digits) "
              "but whose totals or factors differ.\n\nNote: near-duplicates are compared without their digits (a "
              "copy whose numbers were all changed is still a copy; whether the numbers differ is what BAT002 then "
              "checks). Reports from one template (about 85% alike) are rarely compared; copies with edits in a few "
              "places (95% alike and more) are found almost surely; copies at 90-95% may be missed, as may copies "
              "whose every line was retouched (scattered edits break most shingles). Thousands of reports cost "
              "seconds.",
    "BAT003": "The same product and model with totals more than 2x apart.",
    "BAT004": "Byte-identical files at different paths.",
}


@dataclass
class Entry:
    """One file of the batch, as the cross-checks see it."""

    path: str
    sha256: str | None
    status: str = "ok"
    report_number: str | None = None
    product: str | None = None
    model: str | None = None
    total: str | None = None
    total_unit: str | None = None
    factors: list[str] = field(default_factory=list)
    text: str = ""


@dataclass
class BatchFinding:
    """A cross-report finding. `message` is its English text; `message_id` and `params` are its catalogue message,
    so that it is read in any language: ``auditor.i18n.render_msg(f.message_id, f.params, lang)``."""

    code: str
    name: str
    severity: str
    message: str
    key: str
    paths: list[str]
    detail: dict = field(default_factory=dict)
    message_id: str | None = None
    params: dict = field(default_factory=dict)

    def render(self, lang: str) -> str:
        """The message in `lang` (its English text when it has no catalogue id)."""
        if not self.message_id:
            return self.message
        from ..i18n import render_msg

        return render_msg(self.message_id, self.params, lang)


def _finding(code: str, message: Msg, key: str, paths: list[str], detail: dict | None = None) -> BatchFinding:
    name, severity = RULES[code]
    return BatchFinding(code, name, severity, str(message), key, paths, detail or {}, message.id,
                        dict(message.params))


def _norm(s: str | None) -> str:
    return regex.sub(r"\s+", "", unicodedata.normalize("NFKC", s or "")).casefold()


def _names(paths: list[str], limit: int = 6) -> Msg:
    shown = J(paths[:limit], "comma")
    return T("batch.and-more", names=shown, n=len(paths) - limit) if len(paths) > limit else shown


def _versus(items: list) -> Msg | str:
    """a vs b vs c."""
    if not items:
        return ""
    out = items[0]
    for x in items[1:]:
        out = T("batch.vs", a=out, b=x)
    return out


_MASS = {"t": Decimal(1000), "kg": Decimal(1), "g": Decimal("0.001")}


def total_kg(e: Entry) -> tuple[Decimal, str] | None:
    """The total as a number in kg of its series (CO2e or CO2), when it can be read."""
    if not e.total:
        return None
    try:
        value = Decimal(e.total.replace(",", "").replace(" ", "").rstrip("%"))
    except InvalidOperation:
        return None
    unit = e.total_unit or ""
    m = regex.match(r"^(t|kg|g)(CO2e?)", unit)
    if m:
        return value * _MASS[m.group(1)], m.group(2)
    return value, unit


# ---------------------------------------------------------------- near-duplicate search

_K = 0x9E3779B97F4A7C15
_M64 = (1 << 64) - 1
_DIGITS = regex.compile(r"\d+")


def signature(text: str) -> list[int | None]:
    """One-permutation MinHash of the text's 5-character shingles: per bin (hash mod BINS) the smallest hash,
    None for an empty bin. Deterministic: crc32 of the shingle's UTF-32 bytes mixed by a multiplicative hash."""
    raw = text.encode("utf-32-le")
    width = 4 * SHINGLE
    crc32, k, m64 = zlib.crc32, _K, _M64
    mins: list[int | None] = [None] * BINS
    for s in {raw[i:i + width] for i in range(0, len(raw) - width + 4, 4)}:
        h = (crc32(s) * k) & m64
        b = h % BINS
        m = mins[b]
        if m is None or h < m:
            mins[b] = h
    return mins


def signature_set(sig: list[int | None]) -> frozenset[int]:
    """The signature as a set (each hash also says its bin), for fast estimated_jaccard."""
    return frozenset(h for h in sig if h is not None)


def estimated_jaccard(a: frozenset, b: frozenset) -> float:
    """The share of bins whose minima agree."""
    return len(a & b) / max(len(a), len(b), 1)


class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def near_duplicate_clusters(texts: list[str], similarity: float = SIMILARITY) -> list[tuple[list[int], float]]:
    """Groups (indices, lowest similarity on the linking edges) of texts that are near-identical once their
    digits are removed."""
    from rapidfuzz import fuzz

    n = len(texts)
    words = [_DIGITS.sub("", t) for t in texts]
    sets: dict[int, frozenset] = {}
    buckets: dict[tuple, list[int]] = defaultdict(list)
    for i, t in enumerate(words):
        if len(t) < MIN_TEXT:
            continue
        sig = signature(t)
        sets[i] = signature_set(sig)
        for band in range(BINS // ROWS):
            rows = tuple(sig[band * ROWS:(band + 1) * ROWS])
            if None not in rows:
                buckets[(band, rows)].append(i)
    uf = _UnionFind(n)
    edges: list[tuple[int, float]] = []
    checked: set[tuple[int, int]] = set()
    for members in buckets.values():
        if len(members) < 2:
            continue
        reps: list[int] = []
        for i in members:
            for r in reps:
                if uf.find(i) == uf.find(r):
                    break
                if (r, i) in checked:
                    continue
                checked.add((r, i))
                if estimated_jaccard(sets[i], sets[r]) < MIN_JACCARD:
                    continue
                score = fuzz.ratio(words[i], words[r], score_cutoff=similarity)
                if score:
                    uf.union(i, r)
                    edges.append((i, score))
                    break
            else:
                if len(reps) < MAX_REPS_PER_BUCKET:
                    reps.append(i)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        groups[uf.find(i)].append(i)
    lowest: dict[int, float] = {}
    for i, score in edges:
        root = uf.find(i)
        lowest[root] = min(lowest.get(root, 100.0), score)
    return [(sorted(g), round(lowest.get(root, 100.0), 1)) for root, g in groups.items() if len(g) > 1]


# ---------------------------------------------------------------- the checks

def crosscheck(entries: list[Entry], similarity: float = SIMILARITY,
               total_ratio: float = TOTAL_RATIO) -> list[BatchFinding]:
    out: list[BatchFinding] = []
    by_sha: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        if e.sha256:
            by_sha[e.sha256].append(e)

    # BAT004: identical files
    for sha, group in by_sha.items():
        if len(group) > 1:
            paths = [e.path for e in group]
            out.append(_finding("BAT004", T("BAT004.identical", n=len(paths), sha=sha[:12], names=_names(paths)),
                                sha, paths, {"sha256": sha}))

    audited = [e for e in entries if e.status == "ok"]
    # one representative per content: copies of one file are not "different reports"
    reps: list[Entry] = []
    copies: dict[str, list[str]] = defaultdict(list)
    for e in audited:
        key = e.sha256 or e.path
        if key not in copies:
            reps.append(e)
        copies[key].append(e.path)

    def all_paths(group: list[Entry]) -> list[str]:
        return [p for e in group for p in copies[e.sha256 or e.path]]

    # BAT001: one report number on different reports
    by_number: dict[str, list[Entry]] = defaultdict(list)
    for e in reps:
        if _norm(e.report_number):
            by_number[_norm(e.report_number)].append(e)
    for key, group in by_number.items():
        if len(group) > 1:
            paths = all_paths(group)
            more_files = len(paths) > len(group)
            out.append(_finding("BAT001", T("BAT001.duplicate-number-files" if more_files else "BAT001.duplicate-number",
                                            number=group[0].report_number or "", n=len(group), files=len(paths),
                                            names=_names(paths)), key, paths,
                                {"report_number": group[0].report_number}))

    # BAT002: near-identical text, different numbers
    for idx, score in near_duplicate_clusters([e.text for e in reps], similarity):
        group = [reps[i] for i in idx]
        values = {(e.total, e.total_unit, tuple(e.factors)) for e in group}
        if len(values) < 2:
            continue
        differ: list[Msg] = []
        totals = sorted({f"{e.total} {e.total_unit or ''}".strip() for e in group if e.total})
        if len({(e.total, e.total_unit) for e in group}) > 1:
            differ.append(T("BAT002.totals", values=_versus(totals)))
        if len({tuple(e.factors) for e in group}) > 1:
            differ.append(_factor_diff(group))
        paths = all_paths(group)
        more_files = len(paths) > len(group)
        out.append(_finding(
            "BAT002", T("BAT002.near-duplicate-files" if more_files else "BAT002.near-duplicate", n=len(group),
                        files=len(paths), score=f"{score:g}", differ=J(differ, "semicolon"), names=_names(paths)),
            ",".join(sorted(e.sha256 or e.path for e in group))[:200], paths,
            {"similarity": score, "reports": {e.path: {"total": e.total, "total_unit": e.total_unit,
                                                        "factors": e.factors} for e in group}}))

    # BAT003: same product and model, totals far apart
    by_product: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    for e in reps:
        if _norm(e.product) and _norm(e.model):
            by_product[(_norm(e.product), _norm(e.model))].append(e)
    for (norm_product, norm_model), group in by_product.items():
        by_unit: dict[str, list[tuple[Decimal, Entry]]] = defaultdict(list)
        for e in group:
            t = total_kg(e)
            if t is not None and t[0] > 0:
                by_unit[t[1]].append((t[0], e))
        for _series, vals in by_unit.items():
            if len(vals) < 2:
                continue
            lo, hi = min(v for v, _ in vals), max(v for v, _ in vals)
            if hi / lo <= Decimal(str(total_ratio)):
                continue
            vals.sort(key=lambda x: x[0])
            paths = [p for _, e in vals for p in copies[e.sha256 or e.path]]
            listing = J([f"{e.total} {e.total_unit or ''}".strip() for _, e in vals], "comma")
            out.append(_finding(
                "BAT003", T("BAT003.totals-differ", product=group[0].product or "", model=group[0].model or "",
                            ratio=f"{float(hi / lo):.1f}", n=len(vals), totals=listing, names=_names(paths)),
                f"{norm_product}|{norm_model}", paths,
                {"product": group[0].product, "model": group[0].model, "ratio": round(float(hi / lo), 3),
                 "totals": {e.path: f"{e.total} {e.total_unit or ''}".strip() for _, e in vals}}))
    order = {c: i for i, c in enumerate(sorted(RULES))}
    out.sort(key=lambda f: (order[f.code], f.paths))
    return out


def _factor_diff(group: list[Entry], limit: int = 4) -> Msg:
    """Items whose printed factors differ between the reports, e.g. 'factors (天然气 0.055539 vs 2.1622)'."""
    items: list[str] = []
    per_entry: list[dict[str, list[str]]] = []
    for e in group:
        values: dict[str, list[str]] = defaultdict(list)
        for f in e.factors:
            item, _, value = f.partition("=")
            if item not in items:
                items.append(item)
            if value not in values[item]:
                values[item].append(value)
        per_entry.append(values)
    diffs = []
    for item in items:
        variants = []
        for values in per_entry:
            v: str = "/".join(values.get(item, [])) or T("word.none")
            if v not in variants:
                variants.append(v)
        if len(variants) > 1:
            diffs.append(T("BAT002.factor-item", item=item or "?", values=_versus(variants)))
    if not diffs:
        return T("BAT002.factors-same-values")
    shown: list = diffs[:limit] + ([T("BAT002.more", n=len(diffs) - limit)] if len(diffs) > limit else [])
    return T("BAT002.factors", diffs=J(shown, "semicolon"))
