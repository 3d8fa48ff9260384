"""Throughput of `auditor batch`: files per minute with --jobs 1 and --jobs 2, the speed-up, peak memory per
worker, and the time of a resumed run over the same files. Not a unit test.

    .venv/bin/python bench/batch_bench.py                 # 48 reports, local executor
    .venv/bin/python bench/batch_bench.py -n 96 --dask    # also the Dask executor (LocalCluster)

The reports are made distinct (no two share a sha256, so nothing is copied instead of audited): half are
synthetic reports rendered with reportlab from fixtures/synth.py (different seeds and layouts), half are the
committed fixture PDFs with a distinct PDF comment appended after %%EOF (same content, different bytes).
Each configuration runs `auditor batch` as a subprocess on a fresh database; wall time includes start-up,
warm-up, the cross-report checks and writing the outputs.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AUDITOR = [sys.executable, "-m", "auditor.cli"]


def make_reports(folder: Path, n: int) -> list[Path]:
    sys.path.insert(0, str(ROOT))
    from fixtures.render_reportlab import render
    from fixtures.synth import make_report_data, report_document

    folder.mkdir(parents=True, exist_ok=True)
    out: list[Path] = []
    n_synth = n // 2
    for i in range(n_synth):
        layout = "seed" if i % 2 == 0 else "wide"
        p = folder / f"synth/{i % 4}/synth-{1000 + i}-{layout}.pdf"
        p.parent.mkdir(parents=True, exist_ok=True)
        render(report_document(make_report_data(1000 + i), layout=layout), p)
        out.append(p)
    fixtures = sorted((ROOT / "fixtures/pdf").glob("*.pdf"))
    for i in range(n - n_synth):
        src = fixtures[i % len(fixtures)]
        p = folder / f"copies/{i % 3}/{src.stem}-{i}.pdf"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(src.read_bytes() + f"\n%batch-bench copy {i}\n".encode())
        out.append(p)
    return out


def run(folder: Path, db: Path, jobs: int, executor: str = "local", extra: tuple[str, ...] = (),
        cwd: Path = ROOT, env: dict[str, str] | None = None) -> dict:
    cmd = [*AUDITOR, "batch", str(folder), "--db", str(db), "--jobs", str(jobs), "--executor", executor,
           "--no-progress", "--fail-on", "never", *extra]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    t = time.perf_counter()
    res = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if res.returncode not in (0, 1, 2):
        raise SystemExit(f"auditor batch failed ({res.returncode}):\n{res.stdout}\n{res.stderr}")
    m = re.search(r"audited now\s+(\d+)(?: \(([\d.]+) files/min\))?", res.stdout)
    con = sqlite3.connect(db)
    rss = [r for (r,) in con.execute("SELECT peak_rss_mb FROM reports WHERE peak_rss_mb IS NOT NULL")]
    dur = [r for (r,) in con.execute("SELECT duration_s FROM reports WHERE run_id = (SELECT max(id) FROM runs) "
                                     "AND reused_from IS NULL AND duration_s IS NOT NULL")]
    statuses = dict(con.execute("SELECT coalesce(error_code, 'ok'), count(*) FROM reports GROUP BY 1").fetchall())
    versions = con.execute("SELECT tool_version, rules_version, config_hash FROM runs ORDER BY id DESC").fetchall()
    if len(versions) > 1 and versions[0] != versions[1]:
        print(f"note: the tool, rules or configuration changed between the runs ({versions[1]} -> {versions[0]}): "
              f"nothing could be resumed", file=sys.stderr)
    con.close()
    return dict(wall=wall, cpu=cpu, load_before=load, load_after=os.getloadavg()[0],
                audited=int(m.group(1)) if m else None,
                audit_rate=float(m.group(2)) if m and m.group(2) else None,
                rss=rss, durations=dur, statuses=statuses, stdout=res.stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=48, help="number of reports (default 48)")
    ap.add_argument("--rounds", type=int, default=1, help="alternate jobs 1 / jobs 2 this many times and keep the "
                                                         "fastest run of each (against other load on the machine)")
    ap.add_argument("--dask", action="store_true", help="also measure --executor dask --jobs 2")
    ap.add_argument("--keep", type=Path, help="generate the reports here and keep them")
    ap.add_argument("--json", type=Path, help="write the numbers as JSON here")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="batch-bench-"))
    folder = args.keep or tmp / "reports"
    try:
        t = time.perf_counter()
        files = make_reports(folder, args.n)
        n = len(files)
        print(f"generated {n} distinct reports in {time.perf_counter() - t:.1f} s under {folder}", file=sys.stderr)
        configs = [("jobs 1", 1, "local"), ("jobs 2", 2, "local")] + (
            [("dask, jobs 2", 2, "dask")] if args.dask else [])
        runs: dict[str, list[dict]] = {label: [] for label, _, _ in configs}
        resume = None
        for rnd in range(args.rounds):
            for label, jobs, executor in configs:
                db = tmp / f"r{rnd}-{label.replace(' ', '').replace(',', '-')}.sqlite"
                r = run(folder, db, jobs, executor)
                runs[label].append(r)
                print(f"round {rnd + 1}: {label}: {r['wall']:.1f} s wall, {r['cpu']:.1f} s CPU, load "
                      f"{r['load_before']:.1f}, {r['statuses']}", file=sys.stderr)
                if label == "jobs 2" and resume is None:
                    resume = run(folder, db, jobs, executor)  # the same files again, same database
        best = {label: min(rs, key=lambda r: r["wall"]) for label, rs in runs.items()}
        results = dict(best)
        results["resume (jobs 2)"] = resume
        one, two = best["jobs 1"], best["jobs 2"]
        speedup = one["wall"] / two["wall"]
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        rows = []
        for label, r in results.items():
            fpm = 60 * n / r["wall"]
            rows.append((label, f"{r['wall']:.1f}", f"{fpm:.0f}", f"{r['audit_rate']:.0f}" if r["audit_rate"] else "-",
                         str(r["audited"]), f"{r['cpu']:.1f}",
                         f"{max(r['rss']):.0f} / {statistics.median(r['rss']):.0f}" if r["rss"] else "-",
                         f"{r['load_before']:.1f} / {r['load_after']:.1f}"))
        print(f"\n{n} reports, {os.cpu_count()} CPUs, best of {args.rounds} round(s)\n")
        print("| run | wall s | files/min (wall) | files/min (audit phase) | audited | CPU s (all processes) "
              "| worker peak RSS MB max / median | load avg before / after |")
        print("|---|---|---|---|---|---|---|---|")
        for row in rows:
            print("| " + " | ".join(row) + " |")
        print(f"\nspeed-up jobs 2 / jobs 1 (wall): {speedup:.2f}x (target >= 1.6x)")
        if args.rounds > 1:
            print("all rounds, wall s: " + "; ".join(f"{k}: " + ", ".join(f"{r['wall']:.1f}" for r in v)
                                                    for k, v in runs.items()))
        print(f"median per-file worker time: jobs 1 {statistics.median(one['durations']):.2f} s, "
              f"jobs 2 {statistics.median(two['durations']):.2f} s")
        print(f"resume over the same {n} files: {resume['wall']:.2f} s ({resume['audited']} audited)")
        print(f"largest process of all runs (ru_maxrss of children, batch parent included): {children:.0f} MB")
        if args.json:
            args.json.write_text(json.dumps({k: {kk: vv for kk, vv in v.items() if kk != "stdout"}
                                             for k, v in results.items()} | {"n": n, "speedup": speedup}, indent=2))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
