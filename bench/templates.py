"""Template benchmark: recall per template and defect kind, false findings and coverage on clean reports.

    .venv/bin/python bench/templates.py                      # all templates, seeds 1,2,3, reportlab, 2 processes
    .venv/bin/python bench/templates.py --templates bom-zh,seed --seeds 1 --show-misses
    .venv/bin/python bench/templates.py --json /tmp/templates.json -j 2
    .venv/bin/python bench/templates.py --producers docx --seeds 1     # LibreOffice (html: Chromium): slow

Templates: the four of fixtures/templates (bom-zh, transport-zh, annual-zh, study-en: the clean report and one
variant per defect kind from fixtures.templates.variants(name, seed), whose truth names the changed printed
value, where it is and its correct value), and the seed family of fixtures/synth.py in its two layouts,
"seed-merged" (layout "seed": merged stage cells) and "seed-wide" (line emissions, 小计/合计 rows); `--templates
seed` selects both. Seed N of the seed family is the report bench/mutation.py builds from mutation.SEEDS[N-1]; its
defect kinds are the bench/mutation.py kinds that change printed numbers (typos drawn with the same interval oracle,
shifted factors, copied values, stale shares) plus claim-conflict (a changed boundary claim), and the changed
printed values come from a cell/paragraph diff of the clean and the defective Document. bench/mutation.py keeps its
own criterion (expected rule codes) and its other kinds; this benchmark applies one criterion to every template.

Caught: the audit of the defective PDF has an error (or warning: second column) that
  1. the audit of the clean PDF of the same template, seed and producer does not have: not the same content
     fingerprint, nor the same rule + stage + message with its numbers masked (a clean finding whose numbers merely
     changed is a carry-over, recorded as "not counted");
  2. is not an extraction or internal note (EXT*: they echo the rows they could not read);
  3. points at the defect: the changed printed value (thousands separators removed) is a number token of the
     finding's message, expected or evidence ("names the value") or of its values list (the printed numbers it
     rests on), E-notation also by numeric value; for a changed word or unit, the changed phrase appears there;
     or the finding's box is on the page where the rendered PDF's text layer (pdfplumber) prints the changed value
     (an occurrence the clean PDF does not have), at most 120 pt high (a row, a merged stage cell, a sentence; not a
     whole table), spanning the vertical centre of that occurrence (an adjacent row, e.g. the total under a
     changed stage, does not count).
"Missed, but a new finding elsewhere": a miss whose audit has a new non-EXT error or warning pointing elsewhere.

False findings: errors and warnings of each clean report, with the rule codes (target: no error). Coverage, from
result.coverage of the clean reports: numbers_checked (table cells used by a checked relation; read with getattr,
"n/a" while auditor.model.Coverage has no such field) and table_numbers_used (cells read into the report), both of
table_numbers (numeric table cells).
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for p in (str(ROOT), str(ROOT / "bench")):
    if p not in sys.path:
        sys.path.insert(0, p)

from fixtures.docspec import Document, Table  # noqa: E402

NEW_TEMPLATES = ["bom-zh", "transport-zh", "annual-zh", "study-en"]
SEED_TEMPLATES = {"seed-merged": "seed", "seed-wide": "wide"}
ALL_TEMPLATES = NEW_TEMPLATES + list(SEED_TEMPLATES)
TEMPLATE_KINDS = ["line-typo", "tkm", "allocation", "factor-unit", "subtotal", "stage-mismatch", "total", "per-unit",
                  "percent", "quote", "gwp-sum", "module-sum", "boundary"]   # fixtures/README.md order
# bench/mutation.py kinds used for the seed family: each changes printed numbers (or one claim) in place
SEED_KINDS = [
    "typo-activity", "typo-factor", "typo-line-emission", "typo-stage-emission", "typo-inventory-total",
    "typo-results-value", "typo-percent", "typo-results-total", "typo-summary-value", "typo-summary-percent",
    "typo-cover-total", "typo-factor-in-text", "transposition", "stale-percent", "factor-per-GJ", "factor-x10",
    "factor-x1000", "factor-x1000-consistent", "stage-value-copied", "percent-copied", "claim-conflict",
]
RANK = {"info": 0, "warning": 1, "error": 2}
NOT_CATCHES = ("extraction", "internal")
NUM_RE = re.compile(r"-?\d+(?:\.\d+)?(?:[Ee][+-]?\d+)?")
MAX_BOX = 120.0   # pt: a row, a merged stage cell or a sentence; not a whole table
TOL = 1.0


# ---------------------------------------------------------------- normalising and matching


def fold(s: str) -> str:
    """NFKC (CO₂ -> CO2, full-width punctuation), unicode minus, no thousands separators between digits."""
    s = unicodedata.normalize("NFKC", s or "").replace("−", "-")
    return re.sub(r"(?<=\d)[,\u00a0\u202f\u2009](?=\d{3}(?!\d))", "", s)


def norm(s: str) -> str:
    """fold() and no whitespace at all: for comparing phrases."""
    return re.sub(r"\s+", "", fold(s))


def is_number(printed: str) -> bool:
    return bool(NUM_RE.fullmatch(norm(printed).rstrip("%")))


def number_tokens(text: str) -> set[str]:
    return set(NUM_RE.findall(fold(text)))


def _dec(s: str) -> Decimal | None:
    try:
        return Decimal(s)
    except InvalidOperation:
        return None


def _common_ends(a: str, b: str) -> tuple[int, int]:
    """Lengths of the common prefix and of the common suffix (not overlapping it) of two strings."""
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    j = 0
    while j < min(len(a), len(b)) - i and a[-1 - j] == b[-1 - j]:
        j += 1
    return i, j


def changed_phrases(printed: str, correct: str, normalise: bool = True) -> list[str]:
    """For a changed word/unit/claim: the printed phrase and its changed parts (absent from the correct text)."""
    p, c = (norm(printed), norm(correct or "")) if normalise else (printed.strip(), (correct or "").strip())
    out = [p] if len(p) >= 2 and p not in c else []
    i, j = _common_ends(p, c)
    a, b = i, len(p) - j
    word = re.compile(r"[A-Za-z0-9./\-₂₃₄]")
    while a > 0 and b > a and word.match(p[a]) and word.match(p[a - 1]):
        a -= 1
    while b < len(p) and b > a and word.match(p[b - 1]) and word.match(p[b]):
        b += 1
    for piece in re.split(r"[（）()，,。;；:：、\[\]\s]+", p[a:b]):
        if len(piece) >= 2 and piece not in c and piece not in out:
            out.append(piece)
    return out


def _names(text: str, change: dict) -> bool:
    printed = change["printed"]
    if is_number(printed):
        want = norm(printed).rstrip("%")
        toks = number_tokens(text)
        if want in toks:
            return True
        if "e" in want.lower():   # E-notation: the finding may restate 1.07E+01 as 10.7
            v = _dec(want)
            return v is not None and any(_dec(t) == v for t in toks)
        return False
    nt = norm(text)
    return any(ph in nt for ph in changed_phrases(printed, change.get("correct") or ""))


def points_by_value(f, change: dict) -> str | None:
    """"message" when the message, expected value or evidence names the changed value, "values" when only the
    finding's list of printed numbers it rests on holds it, else None."""
    if _names(" ; ".join([f.message or "", f.expected or "", *f.evidence]), change):
        return "message"
    if _names(" ; ".join(f.values), change):
        return "values"
    return None


def points_by_location(f, spots: list[tuple]) -> bool:
    loc = f.location
    if loc is None or loc.bbox is None or not spots:
        return False
    x0, top, x1, bottom = loc.bbox
    if bottom - top > MAX_BOX:
        return False
    return any(pg == loc.page and top - TOL <= (st + sb) / 2 <= bottom + TOL for pg, _sx0, st, _sx1, sb in spots)


# ---------------------------------------------------------------- the text layer: where a changed value is printed


def _pattern(printed: str) -> str:
    s = printed.strip()
    if is_number(s):
        return r"(?<![\d.,])" + re.escape(s) + r"(?![\d])"
    return re.escape(s)


def occurrences(pdf_path: Path, texts: list[str]) -> dict[str, list[tuple]]:
    import pdfplumber

    out: dict[str, list[tuple]] = {t: [] for t in texts}
    try:
        with pdfplumber.open(str(pdf_path)) as pdf:
            for n, page in enumerate(pdf.pages, 1):
                for t in texts:
                    if not t:
                        continue
                    for m in page.search(_pattern(t), regex=True, case=True):
                        out[t].append((n, m["x0"], m["top"], m["x1"], m["bottom"]))
    except Exception:  # a text layer we cannot search: no location matching
        pass
    return out


def search_terms(change: dict) -> list[str]:
    """What to look for in the PDF's text layer: the changed number, or the changed phrase as printed."""
    printed = change["printed"]
    if is_number(printed):
        return [printed.strip().rstrip("%")]
    return [t for t in changed_phrases(printed, change.get("correct") or "", normalise=False) if len(t) <= 30]


def new_spots(defect_occ: list[tuple], clean_occ: list[tuple]) -> list[tuple]:
    def seen(o):
        return any(c[0] == o[0] and abs(c[1] - o[1]) < 3 and abs(c[2] - o[2]) < 3 for c in clean_occ)
    return [o for o in defect_occ if not seen(o)]


# ---------------------------------------------------------------- cases: one clean report and its defect variants


@dataclass
class Variant:
    kind: str
    doc: Document
    description: str
    changes: list[dict]           # [{printed, correct, where}]


def _cell_map(t: Table) -> dict[tuple[int, int], str]:
    return {(r, c): cell.text for r, c, cell in t.grid()[2]}


def doc_changes(a: Document, b: Document) -> list[dict] | None:
    """The printed differences between two documents with the same block structure (None when it differs)."""
    if len(a.blocks) != len(b.blocks):
        return None
    out = []
    for i, (x, y) in enumerate(zip(a.blocks, b.blocks)):
        if type(x) is not type(y):
            return None
        if isinstance(x, Table):
            ca, cb = _cell_map(x), _cell_map(y)
            if set(ca) != set(cb):
                return None
            for k in ca:
                if ca[k] != cb[k]:
                    out.append({"printed": cb[k], "correct": ca[k], "where": f"block {i} cell {k}"})
        elif getattr(x, "text", None) != getattr(y, "text", None):
            out.extend(_text_changes(x.text, y.text, i))
    return out


def _text_changes(old: str, new: str, block: int) -> list[dict]:
    """Changed numbers of a paragraph (token by token when the numbers line up), else the changed phrase."""
    ta, tb = list(re.finditer(r"\d[\d,]*(?:\.\d+)?%?", old)), list(re.finditer(r"\d[\d,]*(?:\.\d+)?%?", new))
    if len(ta) == len(tb) and re.sub(r"\d[\d,]*(?:\.\d+)?%?", "#", old) == re.sub(r"\d[\d,]*(?:\.\d+)?%?", "#", new):
        return [{"printed": mb.group(0), "correct": ma.group(0), "where": f"block {block}: …{new[max(0, mb.start() - 20):mb.end() + 5]}…"}
                for ma, mb in zip(ta, tb) if ma.group(0) != mb.group(0)]
    i, j = _common_ends(old, new)
    return [{"printed": new[i:len(new) - j], "correct": old[i:len(old) - j], "where": f"block {block}"}]


def template_case(name: str, seed: int) -> tuple[Document, list[Variant]]:
    from fixtures.templates import variants

    vs = variants(name, seed, include_clean=True)
    clean_doc = vs[0][1]
    out = []
    for kind, doc, truth in vs[1:]:
        loc = truth.get("location") or {}
        where = (f"{loc['table']} / {loc.get('row')} / {loc.get('col')}" if "table" in loc
                 else f"prose: {loc.get('sentence', '')[:60]}")
        out.append(Variant(kind, doc, truth.get("description", ""),
                           [{"printed": truth["printed"], "correct": truth.get("correct"), "where": where}]))
    return clean_doc, out


def seed_case(layout: str, seed: int, kinds: list[str]) -> tuple[Document, list[Variant]]:
    import mutation

    r = mutation.Report(mutation.SEEDS[seed - 1], layout)
    clean_doc = r.doc()
    out = []
    for kind in kinds:
        rng = random.Random(f"{r.seed}-{layout}-{kind}")   # the draws bench/mutation.py makes
        try:
            m = mutation.KINDS[kind](r, rng)
        except Exception:
            m = None
        if m is None:
            continue
        ch = doc_changes(clean_doc, m.doc)
        if not ch:
            continue
        out.append(Variant(kind, m.doc, m.what, ch))
    return clean_doc, out


# ---------------------------------------------------------------- running


def render(doc: Document, path: Path, producer: str) -> None:
    from fixtures.generate import _producers

    reason, fn = _producers()[producer]
    missing = reason()
    if missing:
        raise RuntimeError(f"producer {producer}: {missing}")
    fn(doc, path)


def skeleton(f) -> str:
    return "|".join([f.rule, f.stage or "", NUM_RE.sub("#", norm(f.message or ""))])


def brief(f) -> str:
    return f"{f.rule} {f.severity}: {' '.join((f.message or '').split())[:150]}"


@dataclass
class Outcome:
    template: str
    seed: int
    producer: str
    kind: str
    description: str
    changes: list[dict]
    caught_error: bool = False
    caught_warning: bool = False     # error or warning
    by: str = ""                     # best catch: "message" (names the value), "values" (only in its values
                                     # list), and/or "location" (on the value's row / merged cell)
    catch: str = ""
    new_findings: int = 0            # new errors and warnings (EXT notes included)
    elsewhere: bool = False          # a new non-EXT error/warning, none of them pointing at the defect
    excluded: list[str] = field(default_factory=list)   # would point, but carried over from the clean report or EXT
    top: str = "no new finding"
    error: str | None = None


def judge(o: Outcome, v: Variant, findings: list, clean_fps: set, clean_skel: set, spots: list[tuple]) -> None:
    """Fill o's verdict from the defective report's findings (errors and warnings)."""
    fresh = [f for f in findings if f.severity != "info" and f.fingerprint not in clean_fps]
    new = [f for f in fresh if skeleton(f) not in clean_skel]
    new_ids = {id(f) for f in new}
    o.new_findings = len(new)

    def points(f) -> tuple[str | None, bool]:
        hits = {points_by_value(f, ch) for ch in v.changes} - {None}
        return ("message" if "message" in hits else "values" if hits else None), points_by_location(f, spots)

    best, best_key = None, None
    for f in fresh:
        by_v, by_l = points(f)
        if not (by_v or by_l):
            continue
        if id(f) not in new_ids or f.category in NOT_CATCHES:
            o.excluded.append(("carried over: " if id(f) not in new_ids else "extraction note: ") + brief(f))
            continue
        o.caught_warning = True
        o.caught_error = o.caught_error or f.severity == "error"
        key = (RANK[f.severity], by_v == "message", by_l, by_v == "values")
        if best_key is None or key > best_key:
            best, best_key = f, key
            o.by = "+".join(x for x in (by_v, "location" if by_l else None) if x)
    real = [f for f in new if f.category not in NOT_CATCHES]
    if best is not None:
        o.catch = brief(best)
    else:
        o.elsewhere = bool(real)
    if new:
        o.top = brief(sorted(real or new, key=lambda f: -RANK[f.severity])[0])
        if best is None:
            o.top += f"  [{len(new)} new ({len(new) - len(real)} EXT), none points at the defect]"


def run_case(task: tuple) -> tuple[dict, list[dict]]:
    template, seed, producer, workdir = task
    from auditor.api import audit
    from auditor.model import Coverage

    if template in SEED_TEMPLATES:
        clean_doc, vs = seed_case(SEED_TEMPLATES[template], seed, SEED_KINDS)
    else:
        clean_doc, vs = template_case(template, seed)
    base = Path(workdir) / f"{template}-s{seed}-{producer}"
    clean_pdf = base.with_name(base.name + "-clean.pdf")
    info = {"template": template, "seed": seed, "producer": producer}
    try:
        render(clean_doc, clean_pdf, producer)
        clean = audit(clean_pdf)
    except Exception as e:
        info["error"] = f"{type(e).__name__}: {e}"
        return info, []
    if clean.status != "ok":
        info["error"] = f"audit failed: {clean.error}"
        return info, []
    cov = clean.coverage
    has_checked = "numbers_checked" in Coverage.model_fields
    info.update(counts=clean.counts,
                rules=dict(Counter(f"{f.rule} {f.severity}" for f in clean.findings if f.severity != "info")),
                findings=[brief(f) for f in clean.findings if f.severity != "info"],
                table_numbers=getattr(cov, "table_numbers", 0) or 0,
                numbers_checked=(getattr(cov, "numbers_checked", 0) or 0) if has_checked else None,
                table_numbers_used=getattr(cov, "table_numbers_used", 0) or 0,
                prose_values=getattr(cov, "prose_values", 0) or 0,
                prose_values_used=getattr(cov, "prose_values_used", 0) or 0)
    clean_fps = {f.fingerprint for f in clean.findings}
    clean_skel = {skeleton(f) for f in clean.findings}
    clean_occ_cache: dict[str, list[tuple]] = {}
    outcomes = []
    for v in vs:
        o = Outcome(template, seed, producer, v.kind, v.description, v.changes)
        pdf = base.with_name(base.name + f"-{v.kind}.pdf")
        try:
            render(v.doc, pdf, producer)
            res = audit(pdf)
        except Exception as e:
            o.error = f"{type(e).__name__}: {e}"
            outcomes.append(asdict(o))
            continue
        if res.status != "ok":
            o.error = f"audit failed: {res.error}"
            outcomes.append(asdict(o))
            continue
        terms = sorted({t for ch in v.changes for t in search_terms(ch)})
        spots: list[tuple] = []
        if terms and any(f.location is not None and f.fingerprint not in clean_fps for f in res.findings):
            need = [t for t in terms if t not in clean_occ_cache]
            if need:
                clean_occ_cache.update(occurrences(clean_pdf, need))
            occ = occurrences(pdf, terms)
            for t in terms:
                spots += new_spots(occ[t], clean_occ_cache[t])
        judge(o, v, res.findings, clean_fps, clean_skel, spots)
        outcomes.append(asdict(o))
        pdf.unlink(missing_ok=True)
    clean_pdf.unlink(missing_ok=True)
    return info, outcomes


# ---------------------------------------------------------------- tables


def pct(a: int, b: int) -> str:
    return f"{100 * a / b:5.1f}%" if b else "    -"


def _row(t: str, k: str, os_: list[dict], w: int) -> str:
    n = len(os_)
    e, ww = sum(o["caught_error"] for o in os_), sum(o["caught_warning"] for o in os_)
    el = sum(o["elsewhere"] for o in os_)
    return f"{t:12} | {k:{w}} | {n:8d} | {e:4d} {pct(e, n):>11} | {ww:4d} {pct(ww, n):>21} | {el:4d}"


def recall_table(outcomes: list[dict], templates: list[str]) -> str:
    ok = [o for o in outcomes if not o["error"]]
    by = defaultdict(list)
    for o in ok:
        by[(o["template"], o["kind"])].append(o)
    w = max([len("all templates, all kinds")] + [len(k) for _, k in by])
    head = (f"{'template':12} | {'defect kind':{w}} | {'variants':>8} | {'caught (error)':>16} | "
            f"{'caught (error or warning)':>26} | missed, but a new finding elsewhere")
    rule = "-" * len(head)
    lines = [head, rule]
    for t in templates:
        kinds = sorted({k for (tt, k) in by if tt == t},
                       key=lambda k: (SEED_KINDS.index(k) if k in SEED_KINDS else TEMPLATE_KINDS.index(k)
                                      if k in TEMPLATE_KINDS else 99, k))
        for k in kinds:
            lines.append(_row(t, k, by[(t, k)], w))
        if kinds:
            lines.append(_row(t, "(all kinds)", [o for o in ok if o["template"] == t], w))
            lines.append(rule)
    lines.append(_row("TOTAL", "all templates, all kinds", ok, w))
    new = [o for o in ok if o["template"] in NEW_TEMPLATES]
    old = [o for o in ok if o["template"] in SEED_TEMPLATES]
    if new and old:
        lines.append(_row("4 new", "all kinds", new, w))
        lines.append(_row("seed family", "all kinds", old, w))
    return "\n".join(lines)


def clean_table(cleans: list[dict], templates: list[str]) -> str:
    rows = []
    notes = []
    for t in templates:
        cs = [c for c in cleans if c["template"] == t and not c.get("error")]
        bad = [c for c in cleans if c["template"] == t and c.get("error")]
        if bad:
            notes.append(f"{t}: {len(bad)} clean report(s) could not be rendered or audited: {bad[0]['error']}")
        if not cs:
            continue
        errs = [c["counts"]["error"] for c in cs]
        warns = [c["counts"]["warning"] for c in cs]
        rules = Counter()
        for c in cs:
            rules.update(c["rules"])
        rtxt = ", ".join(f"{k.replace(' error', ' E').replace(' warning', ' W')} x{v}"
                         for k, v in sorted(rules.items(), key=lambda kv: (-RANK[kv[0].split()[1]], -kv[1], kv[0])))
        tn = sum(c["table_numbers"] for c in cs)
        us = sum(c["table_numbers_used"] for c in cs)
        if any(c["numbers_checked"] is None for c in cs):
            ck_txt = "checked n/a"
        else:
            ck = sum(c["numbers_checked"] for c in cs)
            ck_txt = f"checked {ck}/{tn} ({pct(ck, tn).strip()})"
        cov = f"{ck_txt}, used {us}/{tn} ({pct(us, tn).strip()})"
        rows.append((t, str(len(cs)), f"{sum(errs)} (max {max(errs)})", f"{sum(warns)} (max {max(warns)})",
                     rtxt or "-", cov))
    head = ("template", "reports", "errors", "warnings", "rules (E error, W warning; all seeds)",
            "coverage of table numbers (all seeds)")
    ws = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
    fmt = lambda r: " | ".join(x.ljust(w) if i in (0, 4, 5) else x.rjust(w) for i, (x, w) in enumerate(zip(r, ws)))
    lines = [fmt(head), "-" * len(fmt(head))] + [fmt(r) for r in rows]
    if any(c.get("numbers_checked") is None for c in cleans if not c.get("error")):
        lines.append("checked n/a: auditor.model.Coverage has no numbers_checked field yet")
    return "\n".join(lines + notes)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--templates", default=",".join(ALL_TEMPLATES),
                    help=f"comma-separated, from {','.join(ALL_TEMPLATES)}; 'seed' = both seed layouts (default: all)")
    ap.add_argument("--seeds", default="1,2,3", help="template seeds (seed family: the N-th bench/mutation.py seed)")
    ap.add_argument("--producers", default="reportlab", help="reportlab, docx (LibreOffice), html (Chromium)")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--show-misses", action="store_true", help="list every miss with its top new finding")
    ap.add_argument("--json", default=None, help="write the clean reports and every outcome here")
    args = ap.parse_args(argv)
    if args.json:   # refused before the run: an input, an existing PDF, a folder, a folder that is not there
        from auditor.outpaths import UnsafeOutput, check_output

        try:
            check_output(Path(args.json), [], "--json")
        except UnsafeOutput as e:
            ap.error(str(e))
    templates = []
    for t in (x.strip() for x in args.templates.split(",") if x.strip()):
        if t == "seed":
            templates += list(SEED_TEMPLATES)
        elif t in ALL_TEMPLATES:
            templates.append(t)
        else:
            ap.error(f"unknown template {t!r}; choose from {', '.join(ALL_TEMPLATES)}")
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    if any(s < 1 for s in seeds):
        ap.error("seeds start at 1")
    producers = [p.strip() for p in args.producers.split(",") if p.strip()]
    t0 = time.time()
    with tempfile.TemporaryDirectory(prefix="auditor-bench-tpl-") as work:
        tasks = [(t, s, p, work) for p in producers for t in templates for s in seeds]
        if args.jobs > 1:
            with get_context("fork").Pool(args.jobs) as pool:
                results = pool.map(run_case, tasks, chunksize=1)
        else:
            results = [run_case(t) for t in tasks]
    cleans = [c for c, _ in results]
    outcomes = [o for _, os_ in results for o in os_]
    print(f"template benchmark: {len(templates)} templates x seeds {','.join(map(str, seeds))} x {','.join(producers)}: "
          f"{len(cleans)} clean reports, {len(outcomes)} defect variants, {time.time() - t0:.0f} s")
    print("caught = a new finding (not on the clean report, not an EXT note) that names the changed printed value "
          "or sits on its row\n")
    for prod in producers:   # one pair of tables per producer
        if len(producers) > 1:
            print(f"== producer {prod}")
        print(recall_table([o for o in outcomes if o["producer"] == prod], templates))
        print()
        print(clean_table([c for c in cleans if c["producer"] == prod], templates))
        print()
    errors = [o for o in outcomes if o["error"]]
    if errors:
        print(f"\nvariants that could not be rendered or audited: {len(errors)} (e.g. {errors[0]['template']} "
              f"{errors[0]['kind']} s{errors[0]['seed']}: {errors[0]['error']})")
    caught = [o for o in outcomes if o["caught_warning"]]
    how = Counter("names the value" if o["by"].startswith("message") else
                  "value only in the finding's values list" if o["by"].startswith("values") else
                  "location only (on the value's row or merged cell)" for o in caught)
    print(f"\nhow the {len(caught)} catches point at the defect: " + "; ".join(f"{k}: {v}" for k, v in how.most_common()))
    excl = [o for o in outcomes if o["excluded"] and not o["caught_warning"]]
    print(f"misses with a finding that names the value but is not counted (carried over from the clean report, "
          f"or an EXT note): {len(excl)}")
    if args.show_misses:
        misses = [o for o in outcomes if not o["error"] and not o["caught_warning"]]
        print(f"\nmisses ({len(misses)} of {len([o for o in outcomes if not o['error']])}):")
        for o in misses:
            ch = o["changes"][0]
            more = f" (+{len(o['changes']) - 1} more)" if len(o["changes"]) > 1 else ""
            prod = f" {o['producer']}" if len(producers) > 1 else ""
            print(f"  {o['template']} s{o['seed']}{prod} {o['kind']}: {ch['correct']!s:.40} -> {ch['printed']!s:.40}{more} "
                  f"at {ch['where'][:70]}")
            print(f"      top: {o['top']}")
            for x in o["excluded"][:2]:
                print(f"      not counted: {x}")
        warned = [o for o in outcomes if o["caught_warning"] and not o["caught_error"]]
        if warned:
            print(f"\ncaught as warning only ({len(warned)}):")
            for o in warned:
                print(f"  {o['template']} s{o['seed']} {o['producer']} {o['kind']}: {o['catch']}")
    if args.json:
        from auditor.outpaths import atomic_write_text

        atomic_write_text(Path(args.json), json.dumps({"seeds": seeds, "producers": producers, "templates": templates,
                                               "cleans": cleans, "outcomes": outcomes},
                                              ensure_ascii=False, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
