"""Scanned defect benchmark: defect recall of the auditor on scans of born-digital defect variants. Not a unit test.

    .venv/bin/python bench/scan_defects.py                                   # 4 templates x 8 variants (slow: OCR)
    .venv/bin/python bench/scan_defects.py --templates bom-zh,study-en --per-template 1
    .venv/bin/python bench/scan_defects.py --per-template 4 --json /tmp/scan-defects.json --keep /tmp/scan-defects
    .venv/bin/python bench/scan_defects.py --engine tesseract -j 2

Templates: the four of fixtures/templates (bom-zh, transport-zh, annual-zh, study-en). For each one, a
deterministic sample of --per-template N defect variants from fixtures.templates.variants(name, seed), spread over
the defect kinds: the template's kinds in a seeded shuffled order, seed 1 for the first round, seed 2 for the next
round (when N exceeds the number of kinds), and so on.

Each variant is rendered born-digital with the reportlab producer (no external program) and audited
(auditor.api.audit). Expected rules: the error rules (not suppressed) of the born-digital variant that the clean
report of the same template and seed (also reportlab, audited the same way) does not raise, as fixtures/scans.py
picks them. A variant without an expected rule is dropped ("no expected rule": the auditor misses it even
born-digital, or only through a rule the clean report already raises). The kept variants are scanned with
fixtures.render_scan.scan_pdf: dpi in {150, 200} and angle uniform in [-2, 2] degrees drawn from
random.Random("scan-defects-<template>-s<seed>-<kind>") (so a variant's scan does not depend on N), grain 8, JPEG
quality 50, and the scan is audited with audit(scan, ocr=OcrOptions(engine, cache=<temp folder>/ocr-cache)).

Per variant:
  caught as error              an expected rule is among the scan's error findings (not suppressed);
  caught as error or warning   an expected rule is among the scan's error or warning findings (not suppressed):
                               OCR low confidence softens arithmetic/percentage/factor errors to warnings
                               (auditor.engine.soften); "softened" = caught as warning only;
  of which same message        caught as error by an error finding whose rule and message (numbers included)
                               are those of an expected-rule error on the born-digital variant: the OCR read
                               the numbers the finding rests on (a catch by rule code alone can rest on a
                               damaged reading, e.g. lost rows that happen to break the same sum);
  missed                       neither;
  false errors                 error rules (not suppressed) on the scan that the born-digital variant does not
                               raise as errors (distinct rule codes per variant, summed over the variants).
The clean report of each template (seed 1) is also scanned once (its dpi/angle drawn the same way, kind "clean")
and its error findings (not suppressed) counted: ideally 0. OCR pages: report.coverage.ocr_pages of the scans.

All PDFs are written in a temporary folder, deleted at the end (--keep DIR: written in DIR instead and kept, with
the OCR cache). Progress goes to stderr, the markdown tables to stdout.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for p in (str(ROOT), str(ROOT / "bench")):
    if p not in sys.path:
        sys.path.insert(0, p)

PRODUCER = "reportlab"
DPIS = (150, 200)
MAX_ANGLE = 2.0
GRAIN = 8
QUALITY = 50


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- sampling


def sample(template: str, n: int) -> list[tuple[str, int]]:
    """[(kind, seed)]: n variants of the template, round-robin over its kinds (seeded shuffle), seed 1, 2, ..."""
    from fixtures.templates import variants

    kinds = [k for k, _, _ in variants(template, 1)]
    random.Random(f"scan-defects-{template}").shuffle(kinds)
    return [(kinds[i % len(kinds)], 1 + i // len(kinds)) for i in range(n)] if kinds else []


def scan_params(template: str, seed: int, kind: str) -> dict:
    rng = random.Random(f"scan-defects-{template}-s{seed}-{kind}")
    dpi = rng.choice(DPIS)
    angle = round(rng.uniform(-MAX_ANGLE, MAX_ANGLE), 2) + 0.0   # no "-0.0"
    return {"dpi": dpi, "angle": angle, "noise": GRAIN, "quality": QUALITY, "seed": rng.randrange(1 << 30)}


# ---------------------------------------------------------------- auditing


def render(doc, path: Path) -> None:
    from fixtures.generate import _producers

    reason, fn = _producers()[PRODUCER]
    missing = reason()
    if missing:
        raise RuntimeError(f"producer {PRODUCER}: {missing}")
    fn(doc, path)


def live(res, severities: tuple[str, ...]) -> list:
    return [f for f in res.findings if f.severity in severities and f.suppressed is None]


def rules_of(res, severities: tuple[str, ...] = ("error",)) -> set[str]:
    return {f.rule for f in live(res, severities)}


def brief(f) -> str:
    return f"{f.rule} {f.severity}: {' '.join((f.message or '').split())[:120]}"


@dataclass
class Outcome:
    template: str
    seed: int
    kind: str                          # "clean" for the clean report's scan
    name: str = ""
    description: str = ""
    expected: list[str] = field(default_factory=list)
    born_errors: list[str] = field(default_factory=list)
    dropped: bool = False              # no expected rule: not scanned
    scan: dict = field(default_factory=dict)
    caught_error: bool = False
    caught_warning: bool = False       # error or warning
    same_message: bool = False         # an expected-rule error on the scan with the born-digital error's message
    scan_errors: list[str] = field(default_factory=list)      # error rules on the scan
    scan_warnings: list[str] = field(default_factory=list)    # warning rules on the scan
    false_errors: list[str] = field(default_factory=list)     # scan error rules not raised on the born-digital pdf
    error_findings: list[str] = field(default_factory=list)   # clean scan: its error findings
    ocr_pages: int = 0
    low_confidence: int = 0
    seconds: float = 0.0               # scan + audit of the scan
    error: str | None = None


def audit_scan(src: Path, out: Path, params: dict, cache: Path, engine: str | None, o: Outcome):
    from auditor.api import audit
    from auditor.read.ocr import OcrOptions
    from fixtures.render_scan import scan_pdf

    t0 = time.time()
    scan_pdf(src, out, **params)
    res = audit(out, ocr=OcrOptions(engine=engine, cache=str(cache)))
    o.seconds = round(time.time() - t0, 1)
    o.scan = dict(params, file=out.name)
    if res.status != "ok":
        o.error = f"scan audit failed: {res.error.code}: {res.error.message}"
        return None
    cov = res.coverage
    o.ocr_pages = len(getattr(cov, "ocr_pages", []) or [])
    o.low_confidence = getattr(cov, "ocr_low_confidence", 0) or 0
    return res


def run_template(task: tuple) -> list[dict]:
    template, n, work, engine = task
    from auditor.api import audit
    from fixtures.templates import variants

    work = Path(work)
    cache = work / "ocr-cache"
    cache.mkdir(exist_ok=True)
    picks = sample(template, n)
    by_seed: dict[int, dict] = {}
    clean_rules: dict[int, set[str] | None] = {}
    clean_pdfs: dict[int, Path] = {}
    out: list[dict] = []

    def clean_of(seed: int) -> set[str] | None:
        if seed not in clean_rules:
            vs = variants(template, seed, include_clean=True)
            by_seed[seed] = {k: (d, t) for k, d, t in vs[1:]}
            pdf = work / f"{template}-s{seed}-clean.pdf"
            render(vs[0][1], pdf)
            res = audit(pdf)
            clean_pdfs[seed] = pdf
            clean_rules[seed] = rules_of(res) if res.status == "ok" else None
            if res.status != "ok":
                log(f"  {template} s{seed} clean: audit failed: {res.error.message}")
        return clean_rules[seed]

    # the clean report's scan (seed 1)
    o = Outcome(template, 1, "clean", name=f"{template}-s1-clean")
    try:
        if clean_of(1) is None:
            raise RuntimeError("born-digital clean audit failed")
        res = audit_scan(clean_pdfs[1], work / f"{o.name}-scan.pdf", scan_params(template, 1, "clean"), cache,
                         engine, o)
        if res is not None:
            o.scan_errors = sorted(rules_of(res))
            o.error_findings = [brief(f) for f in live(res, ("error",))]
            o.born_errors = sorted(clean_rules[1])
            o.false_errors = sorted(set(o.scan_errors) - clean_rules[1])
    except Exception as e:
        o.error = f"{type(e).__name__}: {e}"
    log(f"  {template} clean scan: {len(o.error_findings)} error finding(s) {o.scan_errors or ''} "
        f"({o.scan.get('dpi')} dpi, {o.scan.get('angle')} deg, {o.ocr_pages} OCR pages, {o.seconds} s)"
        + (f" ERROR {o.error}" if o.error else ""))
    out.append(asdict(o))

    for i, (kind, seed) in enumerate(picks, 1):
        o = Outcome(template, seed, kind, name=f"{template}-s{seed}-{kind}")
        try:
            clean = clean_of(seed)
            if clean is None:
                raise RuntimeError("born-digital clean audit failed")
            if kind not in by_seed[seed]:
                raise RuntimeError(f"seed {seed} has no defect kind {kind}")
            doc, truth = by_seed[seed][kind]
            o.description = truth.get("description", "")
            born = work / f"{o.name}.pdf"
            render(doc, born)
            bres = audit(born)
            if bres.status != "ok":
                raise RuntimeError(f"born-digital audit failed: {bres.error.message}")
            born_err = rules_of(bres)
            o.born_errors = sorted(born_err)
            o.expected = sorted(born_err - clean)
            if not o.expected:
                o.dropped = True
            else:
                res = audit_scan(born, work / f"{o.name}-scan.pdf", scan_params(template, seed, kind), cache,
                                 engine, o)
                if res is not None:
                    errs, warns = rules_of(res), rules_of(res, ("warning",))
                    o.scan_errors, o.scan_warnings = sorted(errs), sorted(warns)
                    o.caught_error = bool(errs & set(o.expected))
                    o.caught_warning = bool((errs | warns) & set(o.expected))
                    o.false_errors = sorted(errs - born_err)
                    born_msgs = {(f.rule, f.message) for f in live(bres, ("error",)) if f.rule in o.expected}
                    o.same_message = any((f.rule, f.message) in born_msgs for f in live(res, ("error",)))
                    o.error_findings = [brief(f) for f in live(res, ("error",))]
        except Exception as e:
            o.error = f"{type(e).__name__}: {e}"
        verdict = ("ERROR " + o.error if o.error else "dropped: no expected rule born-digital" if o.dropped else
                   "caught (error)" if o.caught_error else "caught (warning only)" if o.caught_warning else "MISSED")
        extra = (f" expected {','.join(o.expected)}; scan errors {','.join(o.scan_errors) or '-'}"
                 f"; {o.scan.get('dpi')} dpi, {o.scan.get('angle')} deg, {o.ocr_pages} OCR pages, {o.seconds} s"
                 if o.scan else "")
        log(f"  {template} [{i}/{len(picks)}] {o.name}: {verdict}{extra}")
        out.append(asdict(o))
    return out


# ---------------------------------------------------------------- tables


def pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%" if b else "-"


def _cells(t: str, os_: list[dict]) -> list[str]:
    vs = [o for o in os_ if o["kind"] != "clean" and not o["dropped"] and not o["error"]]
    n = len(vs)
    e = sum(o["caught_error"] for o in vs)
    w = sum(o["caught_warning"] for o in vs)
    same = sum(o["same_message"] for o in vs)
    missed = [o["name"] for o in vs if not o["caught_warning"]]
    fe = Counter(r for o in vs for r in o["false_errors"])
    fe_txt = f"{sum(fe.values())}" + (f" ({', '.join(f'{r} x{c}' for r, c in sorted(fe.items()))})" if fe else "")
    dropped = [o["name"] for o in os_ if o["dropped"]]
    failed = [o["name"] for o in os_ if o["error"]]
    scans = [o for o in os_ if o["scan"]]
    return [t, str(n), f"{e} ({pct(e, n)})", str(same), f"{w} ({pct(w, n)})",
            f"{len(missed)}" + (f": {', '.join(missed)}" if missed else ""), fe_txt,
            f"{len(dropped)}" + (f": {', '.join(dropped)}" if dropped else "") + (f"; failed: {', '.join(failed)}"
                                                                                 if failed else ""),
            str(sum(o["ocr_pages"] for o in scans)), f"{sum(o['seconds'] for o in scans):.0f}"]


def markdown(rows: list[list[str]], head: list[str]) -> str:
    ws = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
    fmt = lambda r: "| " + " | ".join(x.ljust(w) for x, w in zip(r, ws)) + " |"
    return "\n".join([fmt(head), "|" + "|".join("-" * (w + 2) for w in ws) + "|"] + [fmt(r) for r in rows])


def recall_table(outcomes: list[dict], templates: list[str]) -> str:
    head = ["template", "variants", "caught as error", "of which same message", "caught as error or warning",
            "missed", "false errors",
            "no expected rule (not scanned)", "OCR pages", "s"]
    rows = [_cells(t, [o for o in outcomes if o["template"] == t and o["kind"] != "clean"]) for t in templates]
    rows.append(_cells("**total**", [o for o in outcomes if o["kind"] != "clean"]))
    return markdown(rows, head)


def clean_table(outcomes: list[dict], templates: list[str]) -> str:
    head = ["template", "clean scan", "error findings", "error rules", "OCR pages", "s"]
    rows = []
    for t in templates:
        for o in (o for o in outcomes if o["template"] == t and o["kind"] == "clean"):
            sc = f"{o['scan'].get('dpi', '?')} dpi, {o['scan'].get('angle', '?')} deg" if o["scan"] else "-"
            rules = Counter(x.split()[0] for x in o["error_findings"])
            rows.append([t, sc, "failed: " + o["error"] if o["error"] else str(len(o["error_findings"])),
                         ", ".join(f"{r} x{c}" for r, c in sorted(rules.items())) or "-",
                         str(o["ocr_pages"]), f"{o['seconds']:.0f}"])
    tot = [o for o in outcomes if o["kind"] == "clean" and not o["error"]]
    rows.append(["**total**", str(len(tot)), str(sum(len(o["error_findings"]) for o in tot)), "",
                 str(sum(o["ocr_pages"] for o in tot)), f"{sum(o['seconds'] for o in tot):.0f}"])
    return markdown(rows, head)


def main(argv: list[str] | None = None) -> int:
    from fixtures.templates import TEMPLATES

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--templates", default=",".join(TEMPLATES),
                    help=f"comma-separated, from {','.join(TEMPLATES)} (default: all)")
    ap.add_argument("--per-template", type=int, default=8, metavar="N",
                    help="defect variants sampled per template (default 8), spread over its defect kinds")
    ap.add_argument("--engine", default=None, help="OCR engine (rapidocr, tesseract; default: the auditor's)")
    ap.add_argument("-j", "--jobs", type=int, default=1, help="templates run in parallel (default 1: OCR is heavy)")
    ap.add_argument("--keep", default=None, metavar="DIR",
                    help="write the PDFs (and the OCR cache) in DIR (new or empty) and keep them")
    ap.add_argument("--json", default=None, help="write every outcome here")
    args = ap.parse_args(argv)
    if args.json:   # refused before the run: an input, an existing PDF, a folder, a folder that is not there
        from auditor.outpaths import UnsafeOutput, check_output

        try:
            check_output(Path(args.json), [], "--json")
        except UnsafeOutput as e:
            ap.error(str(e))
    templates = [t.strip() for t in args.templates.split(",") if t.strip()]
    unknown = [t for t in templates if t not in TEMPLATES]
    if unknown:
        ap.error(f"unknown template(s) {', '.join(unknown)}; choose from {', '.join(TEMPLATES)}")
    if args.per_template < 0:
        ap.error("--per-template must be >= 0")
    keep = Path(args.keep) if args.keep else None
    if keep is not None:
        if keep.exists() and (not keep.is_dir() or any(keep.iterdir())):
            ap.error(f"--keep {keep}: exists and is not an empty folder")
        if not keep.parent.is_dir():
            ap.error(f"--keep {keep}: folder {keep.parent} does not exist")
    t0 = time.time()
    tmp = None
    if keep is not None:
        keep.mkdir(exist_ok=True)
        work = keep
    else:
        tmp = tempfile.TemporaryDirectory(prefix="auditor-bench-scan-defects-")
        work = Path(tmp.name)
    try:
        tasks = [(t, args.per_template, str(work), args.engine) for t in templates]
        log(f"scan defects: {len(templates)} templates x {args.per_template} variants, work in {work}")
        if args.jobs > 1 and len(tasks) > 1:
            with get_context("fork").Pool(min(args.jobs, len(tasks))) as pool:
                results = pool.map(run_template, tasks, chunksize=1)
        else:
            results = [run_template(t) for t in tasks]
    finally:
        if tmp is not None:
            tmp.cleanup()
    outcomes = [o for os_ in results for o in os_]
    secs = time.time() - t0
    vs = [o for o in outcomes if o["kind"] != "clean" and not o["dropped"] and not o["error"]]
    e, w = sum(o["caught_error"] for o in vs), sum(o["caught_warning"] for o in vs)
    ocr = sum(o["ocr_pages"] for o in outcomes)
    print(f"scanned defect benchmark: {len(templates)} templates x {args.per_template} sampled variants "
          f"(reportlab -> scan_pdf {'/'.join(map(str, DPIS))} dpi, +-{MAX_ANGLE:g} deg, grain {GRAIN}, "
          f"JPEG {QUALITY}); OCR engine {args.engine or 'default'}; {secs:.0f} s, {ocr} OCR pages\n")
    print(recall_table(outcomes, templates))
    print(f"\nrecall: {e}/{len(vs)} caught as error ({pct(e, len(vs))}), {w}/{len(vs)} as error or warning "
          f"({pct(w, len(vs))}); softened to a warning only: {w - e}")
    print("\nclean reports, scanned (seed 1): error findings, ideally 0\n")
    print(clean_table(outcomes, templates))
    failed = [o for o in outcomes if o["error"]]
    if failed:
        print(f"\nfailed: {len(failed)} (e.g. {failed[0]['name']}: {failed[0]['error']})")
    if args.json:
        from auditor.outpaths import atomic_write_text

        atomic_write_text(Path(args.json), json.dumps(
            {"templates": templates, "per_template": args.per_template, "engine": args.engine,
             "seconds": round(secs, 1), "outcomes": outcomes}, ensure_ascii=False, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
