"""Mutation benchmark: inject one defect at a time into clean synthetic reports and measure what the audit finds.

    .venv/bin/python bench/mutation.py                 # 40 reports x 2 layouts x every defect kind, reportlab
    .venv/bin/python bench/mutation.py --n 10 --kinds typo-activity,stale-percent --show-misses
    .venv/bin/python bench/mutation.py --n 3 --producers docx      # LibreOffice, slow: a spot check

Each clean report comes from fixtures.synth.make_report_data(seed) for a fixed list of seeds, in the "seed"
layout (merged stage cells, no line emissions) and the "wide" one (line emissions, 小计 and 合计 rows). A
defect kind mutates one clean report (the ReportData before the Document is built, or the Document itself),
the PDF is rendered (reportlab by default: fast), audited with auditor.api.audit, and compared with the audit of
the clean PDF: the defect counts as found when a finding that the clean report did not have comes from one of
the rules expected for the kind, at or above the kind's severity (warning, or info for notes). "diagnosed"
counts found defects whose finding names the cause (one digit, swapped, GJ, stale total, copied, 10x ...).

Typos are honest about rounding: a changed last digit of an activity value can stay inside the factor's
rounding interval (121.2911 x 0.5777 cannot tell 121.2911 from 121.2912), and then no check can see it. Each
typo is drawn, checked against an independent interval oracle of every relation the report prints (line
products, stage sums, totals, shares, quoted values, the same factor on several lines), and redrawn when it is
undetectable in principle; those draws are counted and reported separately, never scored.

False findings: the clean reports' errors and warnings, per report (target: no error, at most one warning).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from multiprocessing import get_context
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from fixtures import synth  # noqa: E402
from fixtures.docspec import Cell, Document, Paragraph, Table  # noqa: E402
from fixtures.synth import Line, ReportData, Stage, compute, make_report_data, report_document  # noqa: E402

SEEDS = [1000 + 7 * i for i in range(400)]
LAYOUTS = ("seed", "wide")
RANK = {"info": 0, "warning": 1, "error": 2}
D = Decimal


# ---------------------------------------------------------------- the document: where each printed number sits


def _table(doc: Document, pred: Callable[[list[str]], bool]) -> Table | None:
    for b in doc.blocks:
        if isinstance(b, Table) and b.rows and pred([c.text for c in b.rows[0]]):
            return b
    return None


def inventory_table(doc: Document) -> Table:
    return _table(doc, lambda h: "排放因子" in h)


def results_table(doc: Document) -> Table:
    return _table(doc, lambda h: any(x in h for x in ("百分比/%", "占比 (%)")))


def boundary_table(doc: Document) -> Table:
    return _table(doc, lambda h: h[:1] == ["阶段类型"])


def cover_box(doc: Document) -> Table:
    return _table(doc, lambda h: "功能单位" in h and "型号" in h)


def paragraphs(doc: Document, pred: Callable[[str], bool]) -> list[Paragraph]:
    return [b for b in doc.blocks if isinstance(b, Paragraph) and pred(b.text)]


def inventory_cells(data: ReportData, layout: str) -> dict[tuple, tuple[int, int]]:
    """Printed-number key -> (row, column in that row's cell list) in the inventory table."""
    out: dict[tuple, tuple[int, int]] = {}
    r = 1
    for i, st in enumerate(data.stages):
        for j, _ in enumerate(st.lines):
            if layout == "seed":
                first = j == 0
                out[("fac", i, j)] = (r, 1 if first else 0)
                out[("act", i, j)] = (r, 3 if first else 2)
                if first:
                    out[("sem", i)] = (r, 4)
            else:
                out[("act", i, j)] = (r, 2)
                out[("fac", i, j)] = (r, 4)
                out[("lem", i, j)] = (r, 6)
            r += 1
        if layout == "wide":
            out[("sem", i)] = (r, 1)
            r += 1
    if layout == "wide":
        out[("itot",)] = (r, 1)
    return out


# ---------------------------------------------------------------- the printed model and its oracle


def printed_model(data: ReportData, layout: str) -> dict[tuple, str]:
    """Every number the clean document prints, by key."""
    p: dict[tuple, str] = {}
    for i, st in enumerate(data.stages):
        for j, ln in enumerate(st.lines):
            p[("act", i, j)] = ln.activity
            p[("fac", i, j)] = ln.factor
            if layout == "wide":
                p[("lem", i, j)] = ln.emission
        p[("sem", i)] = st.emission
        p[("res", i)] = st.emission
        p[("pct", i)] = st.percent
        p[("sq", i)] = st.emission
        p[("sp", i)] = st.percent
    for k in ("rtot", "cov", "sumtot", "rtxt") + (("itot",) if layout == "wide" else ()):
        p[(k,)] = data.total
    return p


def iv(text: str) -> tuple[Decimal, Decimal]:
    t = text.rstrip("%")
    v = D(t)
    dp = len(t.split(".")[1]) if "." in t else 0
    h = D(1).scaleb(-dp) / 2
    return v - h, v + h


def _mul(a, b):
    c = [a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1]]
    return min(c), max(c)


def _add(*xs):
    return sum(x[0] for x in xs), sum(x[1] for x in xs)


def _overlap(a, b) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def _same(a: str, b: str) -> bool:
    """Two printed numbers that can be one value: equal when printed to the same decimals, else overlapping."""
    da = len(a.rstrip("%").split(".")[1]) if "." in a else 0
    db = len(b.rstrip("%").split(".")[1]) if "." in b else 0
    return D(a.rstrip("%")) == D(b.rstrip("%")) if da == db else _overlap(iv(a), iv(b))


def violations(p: dict[tuple, str], data: ReportData, layout: str) -> list[str]:
    """Every relation of the printed model that fails under half-up rounding intervals: what any checker could
    see. Empty means the printed numbers are consistent (a change that leaves it empty is undetectable)."""
    bad = []
    n = len(data.stages)
    for i, st in enumerate(data.stages):
        prods = [_mul(iv(p[("act", i, j)]), iv(p[("fac", i, j)])) for j in range(len(st.lines))]
        if layout == "wide":
            lems = [iv(p[("lem", i, j)]) for j in range(len(st.lines))]
            for j in range(len(st.lines)):
                if not _overlap(prods[j], lems[j]):
                    bad.append(f"line {i}.{j}")
            if not _overlap(_add(*lems), iv(p[("sem", i)])):
                bad.append(f"stage {i}")
        elif not _overlap(_add(*prods), iv(p[("sem", i)])):
            bad.append(f"stage {i}")
        vals = [p[("sem", i)], p[("res", i)], p[("sq", i)]]
        if any(not _same(a, b) for a in vals for b in vals):
            bad.append(f"quotes {i}")
    totals = [p[(k,)] for k in ("rtot", "cov", "sumtot", "rtxt", "itot") if (k,) in p]
    if any(not _same(a, b) for a in totals for b in totals):
        bad.append("totals")
    if not _overlap(_add(*[iv(p[("res", i)]) for i in range(n)]), iv(p[("rtot",)])):
        bad.append("results total")
    if layout == "wide" and not _overlap(_add(*[iv(p[("sem", i)]) for i in range(n)]), iv(p[("itot",)])):
        bad.append("inventory total")
    tot = iv(p[("rtot",)])
    for i in range(n):
        for vk, pk in (("res", "pct"), ("sq", "sp")):
            v = iv(p[(vk, i)])
            share = (v[0] / tot[1] * 100, v[1] / tot[0] * 100)
            if not _overlap(share, iv(p[(pk, i)])):
                bad.append(f"share {pk} {i}")
    if not _overlap(_add(*[iv(p[("pct", i)]) for i in range(n)]), (D("99.995"), D("100.005"))):
        bad.append("shares sum")
    by_item = defaultdict(set)
    for i, st in enumerate(data.stages):
        for j, ln in enumerate(st.lines):
            by_item[(ln.name, ln.unit)].add(p[("fac", i, j)])
    if any(len(v) > 1 for v in by_item.values()):
        bad.append("factor differs by line")
    return bad


# ---------------------------------------------------------------- mutations


@dataclass
class Mutation:
    kind: str
    doc: Document
    what: str
    rules: tuple[str, ...]
    diagnosis: tuple[str, ...] = ()
    min_severity: str = "warning"
    undetectable: int = 0
    culprit: str | None = None   # the printed text a diagnosis must name (the mistyped value)


@dataclass
class Draw:
    """A typo draw: the mutated text, and how many earlier draws were undetectable in principle."""
    text: str
    undetectable: int = 0


def typo(text: str, rng: random.Random) -> str | None:
    digits = [i for i, ch in enumerate(text) if ch.isdigit()]
    if not digits:
        return None
    i = rng.choice(digits)
    choices = [d for d in "0123456789" if d != text[i]]
    if i == digits[0] and len(digits) > 1 and text[i + 1:i + 2] != ".":
        choices = [d for d in choices if d != "0"]   # no leading zero
    return text[:i] + rng.choice(choices) + text[i + 1:]


def transpose(text: str, rng: random.Random) -> str | None:
    pairs = [i for i in range(len(text) - 1) if text[i].isdigit() and text[i + 1].isdigit() and text[i] != text[i + 1]
             and not (i == 0 and text[i + 1] == "0" and len(text) > 2 and text[2] != ".")]
    if not pairs:
        return None
    i = rng.choice(pairs)
    return text[:i] + text[i + 1] + text[i] + text[i + 2:]


def set_cell(table: Table, pos: tuple[int, int], text: str) -> None:
    r, c = pos
    table.rows[r][c].text = text


def replace_once(par: Paragraph, old: str, new: str) -> None:
    assert par.text.count(old) >= 1, (old, par.text[:120])
    par.text = par.text.replace(old, new, 1)


class Report:
    """One clean report: its data, layout, document and printed model.

    layout: "seed" or "wide", optionally with "-unruled" (tables printed without lines) and/or "-long" (many
    more materials, so the inventory runs over a page break)."""

    def __init__(self, seed: int, layout: str):
        parts = layout.split("-")
        self.seed, self.variant = seed, layout
        self.layout = parts[0]
        self.ruled = "unruled" not in parts
        self.data = make_report_data(seed, detailed="long" in parts)
        self.model = printed_model(self.data, self.layout)

    def doc(self, data: ReportData | None = None) -> Document:
        return report_document(data or self.data, self.layout, ruled=self.ruled)

    # where a printed-model key lives in the document
    def write(self, doc: Document, key: tuple, new: str) -> None:
        d, old = self.data, self.model[key]
        kind = key[0]
        if kind in ("act", "fac", "lem", "sem", "itot"):
            set_cell(inventory_table(doc), inventory_cells(d, self.layout)[key], new)
        elif kind in ("res", "pct", "rtot"):
            t = results_table(doc)
            if kind == "rtot":
                set_cell(t, (len(d.stages) + 1, 1), new)
            else:
                pct = kind == "pct"
                suffix = "%" if pct and self.layout == "seed" else ""
                set_cell(t, (key[1] + 1, 2 if pct else 1), new + suffix)
        elif kind in ("sq", "sp"):
            st = d.stages[key[1]]
            par = paragraphs(doc, lambda t: t.startswith("评价得到"))[0]
            a = f"{st.name('summary')}碳排放为 {st.emission} kgCO₂ eq ({st.percent}%)"
            b = (f"{st.name('summary')}碳排放为 {new if kind == 'sq' else st.emission} kgCO₂ eq "
                 f"({new if kind == 'sp' else st.percent}%)")
            replace_once(par, a, b)
        elif kind == "sumtot":
            par = paragraphs(doc, lambda t: t.startswith("评价得到"))[0]
            replace_once(par, f"的碳足迹值为 {old} kgCO₂", f"的碳足迹值为 {new} kgCO₂")
        elif kind == "cov":
            set_cell(cover_box(doc), (1, 4), new)
        elif kind == "rtxt":
            par = paragraphs(doc, lambda t: "生产的" in t and "的碳足迹为" in t)[0]
            replace_once(par, f"的碳足迹为 {old} kgCO₂", f"的碳足迹为 {new} kgCO₂")
        else:
            raise KeyError(key)

    def draw(self, keys: list[tuple], change: Callable[[str, random.Random], str | None],
             rng: random.Random, tries: int = 40) -> tuple[tuple, Draw] | None:
        """A change to one printed number that some relation can see; undetectable draws are counted."""
        undetectable = 0
        for _ in range(tries):
            key = rng.choice(keys)
            new = change(self.model[key], rng)
            if new is None or new == self.model[key]:
                continue
            p = dict(self.model)
            p[key] = new
            if violations(p, self.data, self.layout):
                return key, Draw(new, undetectable)
            undetectable += 1
        return None


def _keys(r: Report, kinds: tuple[str, ...]) -> list[tuple]:
    return [k for k in r.model if k[0] in kinds]


TYPO_PLACES = {
    "typo-activity": (("act",), ("ARI001", "ARI002"), "an activity value in the inventory"),
    "typo-factor": (("fac",), ("ARI001", "ARI002", "FAC008", "FAC002"), "a factor in the inventory"),
    "typo-line-emission": (("lem",), ("ARI001", "ARI002"), "a line's emissions (wide layout)"),
    "typo-stage-emission": (("sem",), ("ARI001", "ARI002", "ARI003", "ARI004"), "a stage value in the inventory"),
    "typo-inventory-total": (("itot",), ("ARI003", "ARI004"), "the inventory's 合计 row (wide layout)"),
    "typo-results-value": (("res",), ("ARI004", "ARI003", "PCT001"), "a stage value in the results table"),
    "typo-percent": (("pct",), ("PCT001", "PCT002"), "a share in the results table"),
    "typo-results-total": (("rtot",), ("ARI003", "ARI004", "PCT001"), "the results table's total"),
    "typo-summary-value": (("sq",), ("ARI004",), "a stage value quoted in the summary"),
    "typo-summary-percent": (("sp",), ("PCT001",), "a share quoted in the summary"),
    "typo-cover-total": (("cov",), ("ARI004",), "the total in the cover box"),
}
SLIP_WORDS = ("digit", "swapped", "left out", "typed twice", "x larger", "x smaller", "differ")


def mut_typo(kind: str) -> Callable[[Report, random.Random], Mutation | None]:
    places, rules, what = TYPO_PLACES[kind]

    def m(r: Report, rng: random.Random) -> Mutation | None:
        keys = _keys(r, places)
        if not keys:
            return None
        hit = r.draw(keys, typo, rng)
        if hit is None:
            return None
        key, d = hit
        doc = r.doc()
        r.write(doc, key, d.text)
        mu = Mutation(kind, doc, f"{what}: {r.model[key]} -> {d.text} at {key}", rules, SLIP_WORDS,
                      undetectable=d.undetectable, culprit=d.text)
        return mu
    return m


def mut_typo_factor_in_text(r: Report, rng: random.Random) -> Mutation | None:
    """A factor mistyped in the text of 4.3 (排放因子数据), the table keeps the value it computes with."""
    doc = r.doc()
    par = paragraphs(doc, lambda t: t.startswith("排放因子数据来自"))
    if not par:
        return None
    seen = {}
    for st in r.data.stages:
        for ln in st.lines:
            seen.setdefault(ln.name, ln)
    ln = rng.choice(list(seen.values()))
    old = f"{ln.factor}{ln.factor_unit}"
    if old not in par[0].text:
        return None
    new = typo(ln.factor, rng)
    replace_once(par[0], old, f"{new}{ln.factor_unit}")
    return Mutation("typo-factor-in-text", doc, f"4.3 gives {ln.name} {new} instead of {ln.factor}", ("FAC009",),
                    ("digit", "swapped"), culprit=new)


def mut_transposition(r: Report, rng: random.Random) -> Mutation | None:
    keys = _keys(r, ("act", "fac", "lem", "sem", "res", "sq", "rtot", "cov"))
    hit = r.draw(keys, transpose, rng)
    if hit is None:
        return None
    key, d = hit
    doc = r.doc()
    r.write(doc, key, d.text)
    mu = Mutation("transposition", doc, f"{r.model[key]} -> {d.text} at {key}",
                  ("ARI001", "ARI002", "ARI003", "ARI004", "PCT001", "FAC008"), ("swapped", "transposition"),
                  undetectable=d.undetectable, culprit=d.text)
    return mu


def mut_stale_percent(r: Report, rng: random.Random) -> Mutation | None:
    total = D(r.data.total)
    stale = (total * D(str(1 + rng.choice((-1, 1)) * rng.uniform(0.03, 0.15)))).quantize(D("0.0001"))
    doc = r.doc()
    for i, st in enumerate(r.data.stages):
        new = str((D(st.emission) / stale * 100).quantize(D("0.01"), ROUND_HALF_UP))
        r.write(doc, ("pct", i), new)
        r.write(doc, ("sp", i), new)
    return Mutation("stale-percent", doc, f"shares computed against {stale} instead of {total}", ("PCT001",),
                    ("stale",))


def _lines(r: Report, pred) -> list[tuple[int, int, Line]]:
    return [(i, j, ln) for i, st in enumerate(r.data.stages) for j, ln in enumerate(st.lines) if pred(ln)]


def mut_per_gj(r: Report, rng: random.Random) -> Mutation | None:
    per_gj = {"柴油": "0.0726", "天然气": "0.05554"}
    lines = _lines(r, lambda ln: ln.name in per_gj)
    if not lines:
        return None
    name = rng.choice(sorted({ln.name for _, _, ln in lines}))
    doc = r.doc()
    for i, j, ln in lines:
        if ln.name == name:
            r.write(doc, ("fac", i, j), per_gj[name])
    return Mutation("factor-per-GJ", doc, f"{name} factor printed as {per_gj[name]} (tCO2/GJ)",
                    ("FAC001", "ARI001", "ARI002"), ("GJ",))


def _shifted(text: str, k: int) -> str:
    v = D(text) * D(10) ** k
    dp = max((len(text.split(".")[1]) if "." in text else 0) - k, 0)
    return str(v.quantize(D(1).scaleb(-dp)))


def mut_factor_shift(k: int) -> Callable[[Report, random.Random], Mutation | None]:
    def m(r: Report, rng: random.Random) -> Mutation | None:
        i, j, ln = rng.choice(_lines(r, lambda ln: True))
        new = _shifted(ln.factor, k)
        doc = r.doc()
        r.write(doc, ("fac", i, j), new)
        return Mutation(f"factor-x{10 ** k}", doc, f"{ln.name} factor {ln.factor} printed as {new}",
                        ("ARI001", "ARI002", "FAC002", "FAC008"), (f"{10 ** k:,}x",))
    return m


def mut_factor_x1000_consistent(r: Report, rng: random.Random) -> Mutation | None:
    """A material factor per tonne used per kg, and every number computed with it: only the reference can tell."""
    lines = _lines(r, lambda ln: ln.unit == "kg" and ln.name not in ("柴油",))
    if not lines:
        return None
    i, j, ln = rng.choice(lines)
    d = r.data.model_copy(deep=True)
    d.stages[i].lines[j].factor = _shifted(ln.factor, 3)
    d = compute(d)
    return Mutation("factor-x1000-consistent", r.doc(d), f"{ln.name} factor {ln.factor} -> "
                    f"{d.stages[i].lines[j].factor}, all numbers recomputed", ("FAC002",), ("1,000x", "kg/t"))


def _decl_paragraphs(doc: Document) -> list[Paragraph]:
    return paragraphs(doc, lambda t: "系统边界" in t or "涵盖" in t)


def _drop_from(par: Paragraph, names: list[str]) -> None:
    for n in names:
        for old in (f"、{n}", f"{n}、"):
            if old in par.text:
                par.text = par.text.replace(old, "", 1)
                break


def mut_stage_undeclared(r: Report, rng: random.Random) -> Mutation | None:
    middle = r.data.stages[1:-1]
    if not middle:
        return None
    st = rng.choice(middle)
    doc = r.doc()
    names = [st.name("cover"), st.name("summary")]
    for par in _decl_paragraphs(doc):
        _drop_from(par, names)
    bt = boundary_table(doc)
    bt.rows = [row for row in bt.rows if row[0].text != st.name("summary")]
    return Mutation("stage-undeclared", doc, f"{st.name('summary')} dropped from every boundary list",
                    ("BND004", "BND002"))


def mut_stage_missing_in_one_list(r: Report, rng: random.Random) -> Mutation | None:
    middle = r.data.stages[1:-1]
    if not middle:
        return None
    st = rng.choice(middle)
    doc = r.doc()
    par = paragraphs(doc, lambda t: t.startswith("本评价的功能单位定义为"))[0]
    _drop_from(par, [st.name("summary")])
    return Mutation("stage-missing-in-summary", doc, f"{st.name('summary')} dropped from the summary's list",
                    ("BND002",))


STORAGE = dict(cover="仓储", summary="仓储阶段", table="仓储", results="仓储", formula="仓储")


def _with_storage(data: ReportData, rng: random.Random) -> ReportData:
    synth.STAGE_NAMES.setdefault("storage", STORAGE)
    d = data.model_copy(deep=True)
    amount = f"{rng.uniform(0.5, 20):.4f}"
    storage = Stage.model_construct(key="storage", included="成品仓库照明及叉车用电", excluded="/",
                                    lines=[Line(name="电力", activity=amount, unit="kwh", factor="0.5777",
                                                factor_unit="kgCO₂e/kWh")], emission="", percent="")
    at = next(i for i, s in enumerate(d.stages) if s.key == "production") + 1
    d.stages.insert(at, storage)
    return compute(d)


def mut_orphan_stage(r: Report, rng: random.Random) -> Mutation | None:
    """A storage stage with data in every table, consistently computed, that no boundary list declares."""
    d = _with_storage(r.data, rng)
    full, base = r.doc(d), r.doc()
    for k, (bf, bb) in enumerate(zip(full.blocks, base.blocks)):
        if isinstance(bb, Paragraph) and ("系统边界" in bb.text or "涵盖" in bb.text):
            full.blocks[k] = bb
        elif isinstance(bb, Table) and bb.rows and bb.rows[0][0].text == "阶段类型":
            full.blocks[k] = bb
    return Mutation("orphan-stage", full, "a 仓储 stage with data, declared nowhere", ("BND004", "BND002"))


def mut_declared_extra(r: Report, rng: random.Random) -> Mutation | None:
    """The seed's defect: the cover's boundary sentence lists 仓储, nothing else covers it."""
    doc = r.doc()
    par = paragraphs(doc, lambda t: t.startswith("系统边界“"))[0]
    first = r.data.stages[-1].name("cover")
    replace_once(par, f"、{first}", f"、仓储、{first}")
    return Mutation("declared-stage-without-data", doc, "仓储 added to the cover's boundary list", ("BND003",))


def mut_claim_without_use(r: Report, rng: random.Random) -> Mutation | None:
    d = r.data.model_copy(deep=True)
    if d.claim == "摇篮到坟墓":
        d.stages = [s for s in d.stages if s.key != "use"]
        d = compute(d)
        what = "use stage removed, cradle-to-grave claim kept"
    else:
        d.claim = "摇篮到坟墓"
        what = "cradle-to-gate report claims cradle-to-grave"
    return Mutation("grave-claim-without-use", r.doc(d), what, ("BND001",))


def mut_claim_conflict(r: Report, rng: random.Random) -> Mutation | None:
    doc = r.doc()
    other = "摇篮到大门" if r.data.claim == "摇篮到坟墓" else "摇篮到坟墓"
    par = paragraphs(doc, lambda t: "各阶段包含及不包含的过程" in t)[0]
    replace_once(par, r.data.claim, other)
    return Mutation("claim-conflict", doc, f"3.2.2 claims {other}, the rest {r.data.claim}", ("BND006", "BND001"))


def mut_gwp_year(r: Report, rng: random.Random) -> Mutation | None:
    doc = r.doc()
    wrong = {"AR6": "IPCC 第六次评估报告（2014 年）", "AR5": "IPCC 第五次评估报告（2021 年）"}[r.data.gwp]
    for par in paragraphs(doc, lambda t: r.data.gwp_text in t):
        replace_once(par, r.data.gwp_text, wrong)
    return Mutation("wrong-gwp-year", doc, wrong, ("CON001",))


def mut_uniform_table(r: Report, rng: random.Random) -> Mutation | None:
    doc = r.doc()
    value = rng.choice(["0.5777", "0.5306", "0.6205"])
    regions = ["全国", "华北", "东北", "华东", "华中", "西北", "南方", "西南"]
    rows = [[Cell(text=t) for t in ("地区", "单位", "2023 年")]]
    rows += [[Cell(text=reg), Cell(text="kgCO₂/kW·h"), Cell(text=value)] for reg in regions]
    at = next(k for k, b in enumerate(doc.blocks) if isinstance(b, Paragraph) and b.text.startswith("排放因子数据来自"))
    doc.blocks.insert(at + 1, Table(rows=rows, header_rows=1, col_widths=[2, 2, 2]))
    return Mutation("uniform-regional-table", doc, f"regional grid table with {value} everywhere", ("FAC003", "FAC004"))


def mut_fu_changed(r: Report, rng: random.Random) -> Mutation | None:
    fu = r.data.functional_unit
    other = rng.choice([u for u in ("台", "件", "套", "kg", "t", "块") if u != fu])
    doc = r.doc()
    par = paragraphs(doc, lambda t: t.startswith("本评价声明功能单位定义为"))[0]
    sep = " " if fu.isascii() else ""
    sep2 = " " if other.isascii() else ""
    replace_once(par, f"1 {fu}{sep}", f"1 {other}{sep2}")
    return Mutation("functional-unit-changed", doc, f"3.2.1 defines 1 {other} instead of 1 {fu}", ("CON005",))


def mut_product_renamed(r: Report, rng: random.Random) -> Mutation | None:
    names = [n for v in synth.PRODUCTS.values() for n in v[0] if n != r.data.product_name]
    same_kind = [n for n in synth.PRODUCTS[r.data.product_kind][0] if n != r.data.product_name]
    other = rng.choice(same_kind or names)
    doc = r.doc()
    par = paragraphs(doc, lambda t: t.startswith("本评价声明功能单位定义为"))[0]
    replace_once(par, r.data.product_name, other)
    return Mutation("product-renamed", doc, f"3.2.1 names {other}", ("CON008",))


def mut_model_changed(r: Report, rng: random.Random) -> Mutation | None:
    doc = r.doc()
    par = paragraphs(doc, lambda t: t.startswith("本评价声明功能单位定义为"))[0]
    new = r.data.model + "-" + str(rng.randint(100, 999))
    replace_once(par, f"{r.data.product_name} {r.data.model}", f"{r.data.product_name} {new}")
    return Mutation("model-changed", doc, f"3.2.1 gives model {new}", ("CON008",))


def mut_standard_year(r: Report, rng: random.Random) -> Mutation | None:
    doc = r.doc()
    par = paragraphs(doc, lambda t: t.startswith("本评价的目的是根据"))[0]
    year = rng.choice(["2023", "2020"])
    replace_once(par, "GB/T 24067-2024", f"GB/T 24067-{year}")
    return Mutation("standard-year", doc, f"3.1 cites GB/T 24067-{year}", ("CON006",))


def mut_stage_copied(r: Report, rng: random.Random) -> Mutation | None:
    n = len(r.data.stages)
    a, b = rng.sample(range(n), 2)
    doc = r.doc()
    r.write(doc, ("res", b), r.model[("res", a)])
    return Mutation("stage-value-copied", doc, f"results row {b} prints row {a}'s value {r.model[('res', a)]}",
                    ("ARI004", "ARI003", "ARI005", "PCT001"), ("copied",))


def mut_percent_copied(r: Report, rng: random.Random) -> Mutation | None:
    n = len(r.data.stages)
    pairs = [(a, b) for a in range(n) for b in range(n) if a != b and r.model[("pct", a)] != r.model[("pct", b)]]
    if not pairs:
        return None
    a, b = rng.choice(pairs)
    doc = r.doc()
    r.write(doc, ("pct", b), r.model[("pct", a)])
    return Mutation("percent-copied", doc, f"results row {b} prints row {a}'s share", ("PCT001", "PCT002"),
                    ("copied",))


def mut_issued_early(r: Report, rng: random.Random) -> Mutation | None:
    doc = r.doc()
    early = f"{r.data.data_year}年{rng.randint(3, 11):02d}月{rng.randint(1, 28):02d}日"
    par = paragraphs(doc, lambda t: t.startswith("报告签发日期："))[0]
    replace_once(par, r.data.issue_date, early)
    return Mutation("issued-before-data-end", doc, f"issued {early}", ("CON003",))


def mut_series_label(r: Report, rng: random.Random) -> Mutation | None:
    if r.layout != "wide":
        return None   # the seed layout prints no factor unit column
    lines = _lines(r, lambda ln: ln.name == "电力")
    if not lines:
        return None
    doc = r.doc()
    t = inventory_table(doc)
    cells = inventory_cells(r.data, r.layout)
    for i, j, _ in lines:
        row, _ = cells[("fac", i, j)]
        t.rows[row][5].text = "kgCO₂/kWh"
    return Mutation("factor-series-label", doc, "electricity 0.5777 labelled kgCO₂/kWh", ("FAC007", "CON002"))


def mut_exclusion(r: Report, rng: random.Random) -> Mutation | None:
    doc = r.doc()
    bt = boundary_table(doc)
    bt.rows[1][2].text = "包装材料获取"
    return Mutation("exclusion-without-share", doc, "包装材料获取 excluded, no share given", ("BND005",),
                    min_severity="info")


def mut_exclusion_no_cutoff(r: Report, rng: random.Random) -> Mutation | None:
    doc = r.doc()
    boundary_table(doc).rows[1][2].text = "包装材料获取"
    doc.blocks = [b for b in doc.blocks if not (isinstance(b, Paragraph) and b.text.startswith("舍去质量"))]
    return Mutation("exclusion-without-cutoff", doc, "包装材料获取 excluded, no cut-off rule", ("BND005",))


KINDS: dict[str, Callable[[Report, random.Random], Mutation | None]] = {
    **{k: mut_typo(k) for k in TYPO_PLACES},
    "typo-factor-in-text": mut_typo_factor_in_text,
    "transposition": mut_transposition,
    "stale-percent": mut_stale_percent,
    "factor-per-GJ": mut_per_gj,
    "factor-x10": mut_factor_shift(1),
    "factor-x1000": mut_factor_shift(3),
    "factor-x1000-consistent": mut_factor_x1000_consistent,
    "stage-value-copied": mut_stage_copied,
    "percent-copied": mut_percent_copied,
    "stage-undeclared": mut_stage_undeclared,
    "stage-missing-in-summary": mut_stage_missing_in_one_list,
    "orphan-stage": mut_orphan_stage,
    "declared-stage-without-data": mut_declared_extra,
    "grave-claim-without-use": mut_claim_without_use,
    "claim-conflict": mut_claim_conflict,
    "wrong-gwp-year": mut_gwp_year,
    "uniform-regional-table": mut_uniform_table,
    "functional-unit-changed": mut_fu_changed,
    "product-renamed": mut_product_renamed,
    "model-changed": mut_model_changed,
    "standard-year": mut_standard_year,
    "issued-before-data-end": mut_issued_early,
    "factor-series-label": mut_series_label,
    "exclusion-without-share": mut_exclusion,
    "exclusion-without-cutoff": mut_exclusion_no_cutoff,
}


# ---------------------------------------------------------------- running


def render(doc: Document, path: Path, producer: str) -> None:
    if producer == "reportlab":
        from fixtures.render_reportlab import render as r
    elif producer == "docx":
        from fixtures.render_docx import render as r
    else:
        raise ValueError(producer)
    r(doc, path)


@dataclass
class Outcome:
    seed: int
    layout: str
    producer: str
    kind: str
    applicable: bool = False
    found: bool = False
    diagnosed: bool = False
    named: bool = False
    undetectable: int = 0
    what: str = ""
    findings: list[str] = field(default_factory=list)
    error: str | None = None


def diagnosed(f, m: Mutation) -> bool:
    """The finding names the cause; for a typo, it names the mistyped number and only that one."""
    text = (f.cause or "") + " " + f.message
    if not any(w in text for w in m.diagnosis):
        return False
    if m.culprit is None:
        return True
    return m.culprit in text and "could be" not in (f.cause or "")


def run_report(args: tuple[int, str, str, list[str], str]) -> tuple[dict, list[Outcome]]:
    seed, layout, producer, kinds, workdir = args
    from auditor.api import audit

    r = Report(seed, layout)
    base = Path(workdir) / f"s{seed}-{layout}-{producer}"
    clean_pdf = base.with_name(base.name + "-clean.pdf")
    render(r.doc(), clean_pdf, producer)
    clean = audit(clean_pdf)
    clean_prints = {f.fingerprint for f in clean.findings}
    clean_info = {"seed": seed, "layout": layout, "producer": producer, "status": clean.status,
                  "counts": clean.counts,
                  "findings": [f"{f.rule} {f.severity}: {f.message[:140]}" for f in clean.findings]}
    outcomes = []
    for kind in kinds:
        rng = random.Random(f"{seed}-{layout}-{kind}")
        o = Outcome(seed, layout, producer, kind)
        try:
            m = KINDS[kind](r, rng)
        except Exception as e:  # a mutation that does not fit this report's text
            o.error = f"mutation failed: {type(e).__name__}: {e}"
            outcomes.append(o)
            continue
        if m is None:
            outcomes.append(o)
            continue
        o.applicable, o.what, o.undetectable = True, m.what, m.undetectable
        pdf = base.with_name(base.name + f"-{kind}.pdf")
        render(m.doc, pdf, producer)
        res = audit(pdf)
        if res.status != "ok":
            o.error = f"audit failed: {res.error}"
            outcomes.append(o)
            continue
        new = [f for f in res.findings if f.fingerprint not in clean_prints]
        hits = [f for f in new if f.rule in m.rules and RANK[f.severity] >= RANK[m.min_severity]]
        o.found = bool(hits)
        o.diagnosed = bool(hits) and (not m.diagnosis or any(diagnosed(f, m) for f in hits))
        o.named = o.diagnosed or (m.culprit is not None and any(m.culprit in (f.cause or "") for f in hits))
        o.findings = [f"{f.rule} {f.severity}: {f.message[:160]} | cause: {(f.cause or '')[:120]}" for f in new]
        outcomes.append(o)
        pdf.unlink(missing_ok=True)
    clean_pdf.unlink(missing_ok=True)
    return clean_info, outcomes


def table(outcomes: list[Outcome], cleans: list[dict], kinds: list[str]) -> str:
    by = defaultdict(list)
    for o in outcomes:
        by[o.kind].append(o)
    lines = [f"{'defect kind':28} {'applied':>7} {'found':>6} {'recall':>7} {'diagnosed':>9} {'named':>6} "
             f"{'undetectable':>12}", "-" * 81]
    tot_app = tot_found = 0
    for k in kinds:
        os_ = by[k]
        app = [o for o in os_ if o.applicable and not o.error]
        found = sum(o.found for o in app)
        diag = sum(o.diagnosed for o in app)
        named = sum(o.named for o in app)
        und = sum(o.undetectable for o in app)
        tot_app += len(app)
        tot_found += found
        rec = f"{100 * found / len(app):.1f}%" if app else "-"
        dg = f"{100 * diag / found:.0f}%" if found else "-"
        nm = f"{100 * named / found:.0f}%" if found and k.startswith(("typo", "transp")) else ""
        lines.append(f"{k:28} {len(app):7d} {found:6d} {rec:>7} {dg:>9} {nm:>6} "
                     f"{und if k.startswith(('typo', 'transp')) else '':>12}")
    lines.append("-" * 81)
    lines.append(f"{'all kinds':28} {tot_app:7d} {tot_found:6d} {100 * tot_found / max(tot_app, 1):6.1f}%")
    errs = [c["counts"]["error"] for c in cleans]
    warns = [c["counts"]["warning"] for c in cleans]
    infos = [c["counts"]["info"] for c in cleans]
    lines += ["",
              f"clean reports: {len(cleans)}; with an error: {sum(1 for e in errs if e)} (errors: {sum(errs)}); "
              f"warnings per report: max {max(warns, default=0)}, mean {sum(warns) / max(len(warns), 1):.2f}, "
              f"reports with more than one: {sum(1 for w in warns if w > 1)}; info per report: mean "
              f"{sum(infos) / max(len(infos), 1):.2f}"]
    rules = Counter(f.split()[0] + " " + f.split()[1].rstrip(":") for c in cleans for f in c["findings"])
    if rules:
        lines.append("findings on clean reports: " + ", ".join(f"{k} x{v}" for k, v in rules.most_common()))
    errors = [o for o in outcomes if o.error]
    if errors:
        lines.append(f"mutations that could not be applied or audited: {len(errors)} "
                     f"(e.g. {errors[0].kind} s{errors[0].seed}: {errors[0].error})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=40, help="clean reports per layout (seeds from a fixed list)")
    ap.add_argument("--layouts", default=",".join(LAYOUTS))
    ap.add_argument("--producers", default="reportlab", help="reportlab and/or docx (LibreOffice: slow)")
    ap.add_argument("--kinds", default=None, help="comma-separated defect kinds (default: all)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--json", default=None, help="write every outcome here")
    ap.add_argument("--show-misses", action="store_true", help="list every defect that was not found")
    ap.add_argument("--list", action="store_true", help="list the defect kinds and exit")
    args = ap.parse_args(argv)
    if args.list:
        for k in KINDS:
            print(k)
        return 0
    kinds = args.kinds.split(",") if args.kinds else list(KINDS)
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        ap.error(f"unknown kinds: {', '.join(unknown)}")
    t0 = time.time()
    with tempfile.TemporaryDirectory(prefix="auditor-bench-") as work:
        tasks = [(seed, layout, producer, kinds, work) for producer in args.producers.split(",")
                 for seed in SEEDS[:args.n] for layout in args.layouts.split(",")]
        if args.jobs > 1:
            with get_context("fork").Pool(args.jobs) as pool:
                results = pool.map(run_report, tasks, chunksize=1)
        else:
            results = [run_report(t) for t in tasks]
    cleans = [c for c, _ in results]
    outcomes = [o for _, os_ in results for o in os_]
    print(f"mutation benchmark: {len(cleans)} clean reports ({args.n} seeds x {args.layouts} x {args.producers}), "
          f"{len(kinds)} defect kinds, {time.time() - t0:.0f} s")
    print("found = a new finding from a rule expected for the kind, at warning or above (info for "
          "exclusion-without-share);\ndiagnosed = the finding names the cause (for typos: names the mistyped "
          "number alone); named = the mistyped number is among the causes offered;\nundetectable = typo draws "
          "discarded because no relation the report prints could see them (redrawn, not scored)\n")
    print(table(outcomes, cleans, kinds))
    if args.show_misses:
        misses = [o for o in outcomes if o.applicable and not o.found and not o.error]
        print(f"\nmisses ({len(misses)}):")
        for o in misses:
            print(f"  {o.kind} seed {o.seed} {o.layout} {o.producer}: {o.what}")
            for f in o.findings[:6]:
                print(f"      {f}")
        bad = [c for c in cleans if c["counts"]["error"] or c["counts"]["warning"] > 1]
        for c in bad:
            print(f"  clean seed {c['seed']} {c['layout']}: {c['findings']}")
    if args.json:
        Path(args.json).write_text(json.dumps({"cleans": cleans, "outcomes": [o.__dict__ for o in outcomes]},
                                              ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
