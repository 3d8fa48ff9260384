"""OCR benchmark: speed, peak memory and accuracy of each OCR engine at each rendering resolution, on the scanned
fixtures of fixtures/pdf/scan (manifest.json). Not a unit test.

    .venv/bin/python bench/ocr.py                                   # rapidocr, tesseract x 150, 200, 300 dpi, all scans
    .venv/bin/python bench/ocr.py --engines rapidocr --dpi 200 --scans tpl-annual-zh-docx-150.pdf
    .venv/bin/python bench/ocr.py --before 0c2f2ef --json /tmp/ocr.json   # also the OCR of an older revision

One row per (engine, dpi): OCR pages read, seconds per OCR page, peak memory, the share of fields read exactly,
defect recall and the error findings on clean scans.

- Each configuration runs in a fresh worker process (this script with --worker), so no configuration shares a
  model, a cache or memory with another. Pages are read with parse(scan, ocr=OcrOptions(mode="auto", engine, dpi,
  cache="off")): nothing is reused from an earlier reading. The engine is loaded (and rapidocr's models read) once
  before the first scan, outside the timing; its load time is in the JSON.
- s/page: wall clock of parse(scan) summed over the scans, over the number of OCR pages (report.coverage.ocr_pages).
  parse also reads the born-digital pages of a mixed scan and extracts the report: that is in the time too. The
  machine's load average is printed: other work on the machine slows every row.
- peak MB: the worker's own peak RSS (getrusage RUSAGE_SELF ru_maxrss: Python, the models, the page images). The
  Tesseract engines run `tesseract` as child processes: the largest child's ru_maxrss (RUSAGE_CHILDREN) counts the
  worker's own memory copied at the fork, so it says something only when larger than the worker's; then it is
  shown as "(tess. N)". The old pipeline runs several at once, so its true peak can be a few of those more.
- fields exact: fixtures.scan_score: the born-digital source of each scan (manifest "source") and the scan are read
  by the same auditor; the share of the source's fields (metadata, inventory, results, quotes, numeric table cells)
  the scan's reading has exactly, pooled over the scans (exact fields / fields).
- defect recall: for the scans of defect variants (manifest "defect"), whether the expected rule is among the error
  findings (not suppressed) of auditor.api.audit_report on the scan's reading (the scan is OCRed once).
- errors on clean scans: error findings (not suppressed) on the other scans (ideally 0).

--before REV measures an older revision the same way: a temporary `git worktree` of REV, its `auditor` imported in
the worker (PYTHONPATH=<worktree>; the fixtures and the scorer still from this tree), read with parse(scan,
ocr="auto") (before the engine/dpi options: that revision's own engine and resolutions), labelled
"before (REV) tesseract". The worktree is removed afterwards. Every worker prints which auditor it imported: the
editable install maps `auditor.rules` to the installed checkout's rules/ whatever PYTHONPATH says, so the worker
maps it to the rules/ of the tree being measured.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "fixtures" / "pdf" / "scan" / "manifest.json"
ENGINES = ["rapidocr", "tesseract"]
DPIS = [150, 200, 300]


# ---------------------------------------------------------------- the worker (one configuration, own process)


class _RulesFinder:
    """Finds `auditor.rules` in <src>/rules (pyproject: package-dir auditor.rules = rules), ahead of the editable
    install's finder, which maps it to the installed checkout's rules/ whichever auditor was imported."""

    def __init__(self, src: Path) -> None:
        self.rules = src / "rules"

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "auditor.rules":
            return None
        import importlib.util

        return importlib.util.spec_from_file_location(fullname, self.rules / "__init__.py",
                                                      submodule_search_locations=[str(self.rules)])


def _under(path: str, folder: Path) -> bool:
    try:
        Path(path).resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def _import_from(src: Path) -> dict:
    """Import auditor from src (and auditor.rules from src/rules), then fixtures from this tree; say from where."""
    sys.path.insert(0, str(src))
    if (src / "rules" / "__init__.py").exists():
        sys.meta_path.insert(0, _RulesFinder(src))
    import auditor
    import auditor.rules

    sys.path.insert(0, str(ROOT))     # after auditor: only fixtures (and bench) come from here
    import fixtures.scan_score

    where = {"auditor": auditor.__file__, "rules": auditor.rules.__file__,
             "fixtures": fixtures.scan_score.__file__}
    for name, folder in (("auditor", src), ("rules", src), ("fixtures", ROOT)):
        if not _under(where[name], folder):
            raise SystemExit(f"worker: {name} imported from {where[name]}, not from {folder}")
    return where


def _rss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024    # Linux: KiB


def worker(spec: dict) -> dict:
    src = Path(spec["src"])
    where = _import_from(src)
    print(f"worker: auditor {where['auditor']}, rules {where['rules']}, fixtures {where['fixtures']}",
          file=sys.stderr, flush=True)
    from auditor.api import audit_report, parse
    from auditor.engine.config import Config
    from fixtures.scan_score import PDF_DIR, all_fields, score

    out: dict = {"where": where, "scans": []}
    t = time.perf_counter()
    if spec["engine"] == "before":
        kw = {"ocr": "auto"}
        try:
            from auditor.read.ocr import tesseract_path
        except ImportError:
            tesseract_path = None
        if tesseract_path is not None and not tesseract_path():
            return out | {"unavailable": "tesseract is not installed (the old pipeline needs it)"}
        out["engine_version"] = "tesseract (old pipeline)"
    else:
        from auditor.read.ocr import OcrOptions
        from auditor.read.ocr.engines import EngineUnavailable, get_engine

        try:
            engine = get_engine(spec["engine"])
        except EngineUnavailable as e:
            return out | {"unavailable": str(e)}
        out["engine_version"] = engine.version
        kw = {"ocr": OcrOptions(mode="auto", engine=spec["engine"], dpi=spec["dpi"], cache="off")}
    out["engine_load_s"] = round(time.perf_counter() - t, 2)
    out["parse_kwargs"] = {k: str(v) for k, v in kw.items()}

    config = Config()
    config = config.model_copy(update={"limits": config.limits.model_copy(update={"timeout_s": spec["timeout"]})})
    for e in spec["scans"]:
        scan = PDF_DIR / "scan" / e["file"]
        born = parse(str(PDF_DIR / e["source"]), config=config)
        t = time.perf_counter()
        rep = parse(str(scan), config=config, **kw)
        secs = time.perf_counter() - t
        ref = all_fields(born)
        share, misses = score(ref, all_fields(rep))
        res = audit_report(rep, config, str(scan))
        errors = sorted(f.rule for f in res.findings if not f.suppressed and f.severity == "error")
        r = {"scan": e["file"], "ocr_pages": len(rep.coverage.ocr_pages), "parse_s": round(secs, 2),
             "fields": len(ref), "exact": len(ref) - len(misses), "share": round(share, 4), "errors": len(errors),
             "error_rules": sorted(set(errors)),
             "notes": sorted({n.code for n in rep.notes if n.code.startswith("ocr")}) if hasattr(rep, "notes")
             else [], "misses": [{"field": k, "born": v, "scan": g} for k, v, g in misses]}
        d = e.get("defect")
        if d:
            r["expected_rule"] = d["expected_rule"]
            r["caught"] = d["expected_rule"] in errors
        out["scans"].append(r)
        print(f"  {e['file']}: {r['ocr_pages']} OCR pages, {secs:.1f} s, {r['exact']}/{r['fields']} fields exact, "
              f"errors {', '.join(errors) or 'none'}"
              + (f", {d['expected_rule']} {'caught' if r['caught'] else 'MISSED'}" if d else ""),
              file=sys.stderr, flush=True)
    out["peak_mb"] = round(_rss_mb(resource.RUSAGE_SELF), 1)
    out["child_peak_mb"] = round(_rss_mb(resource.RUSAGE_CHILDREN), 1)
    return out


# ---------------------------------------------------------------- the driver


def run_config(label: str, engine: str, dpi: int | None, src: Path, scans: list[dict], timeout: float) -> dict:
    spec = {"engine": engine, "dpi": dpi, "src": str(src), "scans": scans, "timeout": timeout}
    with tempfile.TemporaryDirectory(prefix="auditor-bench-ocr-") as tmp:
        result = Path(tmp) / "result.json"
        env = {**os.environ, "PYTHONPATH": str(src)}
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(spec),
                               "--result", str(result)], cwd=tmp, env=env)
        wall = time.perf_counter() - t
        if proc.returncode != 0 or not result.exists():
            return {"label": label, "engine": engine, "dpi": dpi, "failed": f"worker exited with {proc.returncode}"}
        out = json.loads(result.read_text(encoding="utf-8"))
    return {"label": label, "engine": engine, "dpi": dpi, "wall_s": round(wall, 1), **out}


def row(r: dict) -> list[str]:
    dpi = "own" if r["dpi"] is None else str(r["dpi"])
    if r.get("failed") or r.get("unavailable"):
        return [r["label"], dpi, "-", "-", "-", "-", "-", r.get("failed") or "not installed"]
    scans = r["scans"]
    pages = sum(s["ocr_pages"] for s in scans)
    secs = sum(s["parse_s"] for s in scans)
    fields, exact = sum(s["fields"] for s in scans), sum(s["exact"] for s in scans)
    defects = [s for s in scans if "expected_rule" in s]
    clean = [s for s in scans if "expected_rule" not in s]
    peak = f"{r['peak_mb']:.0f}"
    if (r.get("child_peak_mb") or 0) > r["peak_mb"]:    # else it is the worker's own size at the fork
        peak += f" (tess. {r['child_peak_mb']:.0f})"
    return [r["label"], dpi, str(pages), f"{secs / pages:.2f}" if pages else "-", peak,
            f"{100 * exact / fields:.1f}% ({exact}/{fields})" if fields else "-",
            f"{sum(s['caught'] for s in defects)}/{len(defects)}" if defects else "-",
            f"{sum(s['errors'] for s in clean)} in {len(clean)}" if clean else "-"]


def table(rows: list[list[str]]) -> str:
    head = ["engine", "dpi", "OCR pages", "s/page", "peak MB", "fields exact", "defect recall (error)",
            "errors on clean scans"]
    lines = ["| " + " | ".join(head) + " |", "|---|--:|--:|--:|--:|--:|--:|--:|"]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])


def _git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *args], check=True, capture_output=True, text=True).stdout.strip()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--engines", default=",".join(ENGINES), help=f"comma-separated, from {','.join(ENGINES)} "
                                                                  f"(default: both; '' for none, with --before)")
    ap.add_argument("--dpi", default=",".join(map(str, DPIS)), help="comma-separated resolutions (default 150,200,300)")
    ap.add_argument("--scans", default="", help="comma-separated scan file names of the manifest (default: all, "
                                                "clean and defect)")
    ap.add_argument("--before", metavar="REV", help="also measure this older revision (a temporary git worktree)")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds per file (config.limits.timeout_s)")
    ap.add_argument("--json", help="write every configuration and scan (with the misses) here")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        out = worker(json.loads(args.worker))
        Path(args.result).write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
        return 0

    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))["scans"]
    by_name = {e["file"]: e for e in manifest}
    scans = manifest
    if args.scans.strip():
        scans = []
        for s in (x.strip() for x in args.scans.split(",") if x.strip()):
            if Path(s).name not in by_name:
                ap.error(f"{s}: not in {MANIFEST.relative_to(ROOT)} ({', '.join(by_name)})")
            scans.append(by_name[Path(s).name])
    engines = [x.strip().lower() for x in args.engines.split(",") if x.strip()]
    for e in engines:
        if e not in ENGINES:
            ap.error(f"unknown engine {e!r}; choose from {', '.join(ENGINES)}")
    try:
        dpis = [int(x) for x in args.dpi.split(",") if x.strip()]
    except ValueError:
        ap.error(f"--dpi {args.dpi!r}: give whole numbers, e.g. 150,200,300")
    if any(d < 50 or d > 600 for d in dpis):
        ap.error("--dpi: resolutions from 50 to 600")
    if not (engines and dpis) and not args.before:
        ap.error("nothing to measure: no engine or dpi, and no --before")
    if args.json:   # refused before the run: an input, an existing PDF, a folder, a folder that is not there
        sys.path.insert(0, str(ROOT))
        from auditor.outpaths import UnsafeOutput, check_output

        inputs = [MANIFEST] + [MANIFEST.parent / e["file"] for e in scans] + \
                 [ROOT / "fixtures" / "pdf" / e["source"] for e in scans]
        try:
            check_output(Path(args.json), inputs, "--json")
        except UnsafeOutput as e:
            ap.error(str(e))
    before = None
    if args.before:
        try:
            before = _git("rev-parse", "--short", "--verify", f"{args.before}^{{commit}}")
        except subprocess.CalledProcessError:
            ap.error(f"--before {args.before}: not a commit of {ROOT}")

    n_clean = sum("defect" not in e for e in scans)
    print(f"OCR benchmark: {len(scans)} scans ({n_clean} clean, {len(scans) - n_clean} defect), engines "
          f"{','.join(engines) or '-'} x dpi {','.join(map(str, dpis)) or '-'}"
          + (f", before {before}" if before else "") + f"; {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f}", file=sys.stderr, flush=True)
    t0 = time.time()
    results: list[dict] = []
    skipped: dict[str, str] = {}
    for engine in engines:
        for dpi in dpis:
            if engine in skipped:
                continue
            print(f"{engine} {dpi} dpi:", file=sys.stderr, flush=True)
            r = run_config(engine, engine, dpi, ROOT, scans, args.timeout)
            if r.get("unavailable"):
                skipped[engine] = r["unavailable"]
                print(f"{engine}: skipped, not installed: {r['unavailable']}", file=sys.stderr, flush=True)
                continue
            results.append(r)
    if before:
        tmp = Path(tempfile.mkdtemp(prefix=f"auditor-before-{before}-"))
        tree = tmp / "tree"
        try:
            _git("worktree", "add", "--detach", str(tree), before)
            print(f"before ({before}) tesseract: worktree {tree}", file=sys.stderr, flush=True)
            r = run_config(f"before ({before}) tesseract", "before", None, tree, scans, args.timeout)
            if r.get("unavailable"):
                skipped[f"before ({before})"] = r["unavailable"]
            else:
                results.append(r)
        finally:
            try:
                _git("worktree", "remove", "--force", str(tree))
            except subprocess.CalledProcessError as e:
                print(f"could not remove the worktree {tree}: {e.stderr.strip()}", file=sys.stderr)
            shutil.rmtree(tmp, ignore_errors=True)
            subprocess.run(["git", "-C", str(ROOT), "worktree", "prune"], capture_output=True)

    print(f"\n{len(scans)} scans ({n_clean} clean, {len(scans) - n_clean} defect), {time.time() - t0:.0f} s, "
          f"{os.cpu_count()} CPUs, load average now {os.getloadavg()[0]:.1f}\n")
    print(table([row(r) for r in results]))
    if skipped:
        print()
    for name, why in skipped.items():
        print(f"{name}: skipped, not installed: {why}")
    print()
    for r in results:
        name = r["label"] + (f" {r['dpi']}" if r["dpi"] else "")
        if r.get("failed"):
            print(f"{name}: {r['failed']} (see its output above)")
        elif r.get("where"):
            print(f"{name}: {r.get('engine_version')}, auditor from {Path(r['where']['auditor']).parent}, "
                  f"engine loaded in {r.get('engine_load_s')} s, worker wall {r.get('wall_s')} s")
    if args.json:
        from auditor.outpaths import atomic_write_text

        atomic_write_text(Path(args.json), json.dumps({"scans": [e["file"] for e in scans], "engines": engines,
                                                       "dpi": dpis, "before": before, "cpus": os.cpu_count(),
                                                       "configurations": results}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
