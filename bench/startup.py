"""Start-up of the `auditor` command against bare pdfplumber and pypdfium2 passes over the same files, as whole
processes. Not a test.

    .venv/bin/python bench/startup.py                      # median of 7, the batch speed-up on 24 reports
    .venv/bin/python bench/startup.py -n 15 --no-batch     # more runs, no batch
    .venv/bin/python bench/startup.py --src /tmp/before    # an older checkout (`git worktree add /tmp/before REV`)
    .venv/bin/python fixtures/perf_bench.py --startup      # the same, from the page-count benchmark

Commands, each a fresh process (interpreter start-up and imports included), run --runs times in rounds (every
command once per round, so load that comes and goes hits them all alike), after one unmeasured warm-up run of
each; the median wall time is reported, with the CPU time (user + system, from os.wait4) beside it:

  * `auditor --version`, `auditor --help`;
  * `auditor check --format json REPORT` (stdout thrown away) for each report; and again with
    AUDITOR_STARTUP_CACHE=off, the first run after an install (the compiled patterns and the parsed data files of
    the start-up cache are neither read nor written);
  * a bare pdfplumber pass (pdfplumber.open, extract_text() and extract_tables() on every page, closing each page)
    and a bare pypdfium2 text pass (the text of every page) on the same reports: `python -c` scripts.

Reports: the seed report's results page alone (1 page, cut from fixtures/pdf/seed-docx.pdf into
fixtures/perf/out/), the 7-page seed sample ../shared/samples/seed-report.pdf (when it is there) and the 13-page
fixtures/pdf/seed-docx.pdf; `--report PDF` (repeatable) replaces them.

Bytecode. Children run as an installed wheel does, with compiled bytecode: PYTHONDONTWRITEBYTECODE is dropped and
PYTHONPYCACHEPREFIX points to a folder of this run (the warm-up run writes it). Without bytecode every command pays
for compiling its Python source, the auditor's 60 modules far more than a bare script.

Then, unless --no-batch: the warm ratio (audit() against the bare pdfplumber loop in one warm process, median of
--runs, on the same reports) and the batch speed-up (`auditor batch --jobs 1` against `--jobs 2` on --batch-n
distinct reports, bench/batch_bench.py's reports and runs).

Targets (issue 19): `auditor check` of the 7-page seed at or below 1.0x the bare pdfplumber pass (aim 0.5x);
`auditor --version` under 0.1 s. Timings on a shared, busy machine are indicative: the load average is printed.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "fixtures/perf/out"
SEED = ROOT / "fixtures/pdf/seed-docx.pdf"
SHARED_SEED = ROOT.parent / "shared/samples/seed-report.pdf"
RESULTS_PAGE = 11           # seed-docx.pdf's "5 碳足迹计算": the total and the results table
TARGET_CHECK, AIM_CHECK, TARGET_VERSION_S = 1.0, 0.5, 0.1

sys.path.insert(0, str(ROOT))
from fixtures.perf_bench import BARE_PASS, auditor_origin  # noqa: E402,F401  (bare_pass(path); where auditor comes from)

BARE_PDFPLUMBER = BARE_PASS + "\nbare_pass(sys.argv[1])\n"

BARE_PDFIUM = """
import sys
import pypdfium2 as pdfium

pdf = pdfium.PdfDocument(sys.argv[1])
for i in range(len(pdf)):
    page = pdf[i]
    text = page.get_textpage()
    text.get_text_range()
    text.close()
    page.close()
pdf.close()
"""

WARM = BARE_PASS + """
import json, statistics, time
from auditor.api import audit

bare = bare_pass
args = json.loads(sys.argv[1])
out = {}
for path in args["paths"]:
    bare(path)
    audit(path)
    b, a = [], []
    for _ in range(args["runs"]):
        t = time.perf_counter(); bare(path); b.append(time.perf_counter() - t)
        t = time.perf_counter(); audit(path); a.append(time.perf_counter() - t)
    out[path] = {"bare_s": statistics.median(b), "audit_s": statistics.median(a)}
print(json.dumps(out))
"""


@dataclass
class Command:
    label: str
    argv: list[str]
    ok: tuple[int, ...] = (0,)
    env: dict[str, str] = field(default_factory=dict)
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    error: str | None = None

    @property
    def wall(self) -> float | None:
        return statistics.median(self.walls) if self.walls and not self.error else None

    @property
    def cpu(self) -> float | None:
        return statistics.median(self.cpus) if self.cpus and not self.error else None


class Runner:
    """Children with the interpreter, environment and working folder of the auditor under test."""

    def __init__(self, src: Path | None, pycache: Path):
        self.cwd = src or ROOT
        self.env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        self.env["PYTHONPYCACHEPREFIX"] = str(pycache)
        if src:
            self.env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), os.environ.get("PYTHONPATH")]))

    def run(self, cmd: Command) -> None:
        with tempfile.TemporaryFile() as err:
            t = time.perf_counter()
            proc = subprocess.Popen(cmd.argv, cwd=self.cwd, env=self.env | cmd.env, stdout=subprocess.DEVNULL,
                                    stderr=err)
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - t
            code = os.waitstatus_to_exitcode(status)
            if code not in cmd.ok:
                err.seek(0)
                lines = err.read().decode(errors="replace").strip().splitlines()
                cmd.error = f"exit {code}: {lines[-1] if lines else 'no message'}"
                return
        cmd.walls.append(wall)
        cmd.cpus.append(usage.ru_utime + usage.ru_stime)

    def output(self, argv: list[str], **kw) -> subprocess.CompletedProcess:
        return subprocess.run(argv, cwd=self.cwd, env=self.env, capture_output=True, text=True, **kw)


def one_page_report() -> Path:
    """The seed's results page alone, cached in fixtures/perf/out/ (rebuilt when the seed is newer)."""
    out = OUT / "seed-1p.pdf"
    if out.exists() and out.stat().st_mtime > SEED.stat().st_mtime:
        return out
    from pypdf import PdfReader, PdfWriter

    OUT.mkdir(parents=True, exist_ok=True)
    writer = PdfWriter()
    writer.add_page(PdfReader(SEED).pages[RESULTS_PAGE - 1])
    partial = out.with_suffix(".tmp")
    with open(partial, "wb") as f:
        writer.write(f)
    partial.replace(out)
    return out


def page_count(path: Path) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def fmt(x: float | None, spec: str = ".3f", unit: str = "") -> str:
    return "-" if x is None else format(x, spec) + unit


def ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None or b == 0 else a / b


def measure_batch(runner: Runner, n: int, rounds: int) -> dict:
    """`auditor batch` with --jobs 1 and --jobs 2 on n distinct reports (bench/batch_bench.py), the fastest of
    `rounds` alternated runs each."""
    sys.path.insert(0, str(ROOT / "bench"))
    import batch_bench

    tmp = Path(tempfile.mkdtemp(prefix="startup-bench-batch-"))
    try:
        files = batch_bench.make_reports(tmp / "reports", n)
        runs: dict[int, list[dict]] = {1: [], 2: []}
        for r in range(rounds):
            for jobs in (1, 2):
                runs[jobs].append(batch_bench.run(tmp / "reports", tmp / f"r{r}-j{jobs}.sqlite", jobs,
                                                  cwd=runner.cwd, env=runner.env))
                print(f"  batch round {r + 1}, jobs {jobs}: {runs[jobs][-1]['wall']:.1f} s", file=sys.stderr)
        one, two = (min(rs, key=lambda x: x["wall"]) for rs in (runs[1], runs[2]))
        return {"n": len(files), "jobs1_s": one["wall"], "jobs2_s": two["wall"], "speedup": one["wall"] / two["wall"],
                "statuses": two["statuses"]}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", "--runs", type=int, default=7, help="measured runs of each command (the median is kept)")
    ap.add_argument("--src", type=Path, help="checkout whose auditor is measured (first on PYTHONPATH)")
    ap.add_argument("--report", type=Path, action="append", help="a report to measure (repeatable)")
    ap.add_argument("--no-batch", action="store_true", help="skip the warm ratio and the batch speed-up")
    ap.add_argument("--batch-n", type=int, default=24, help="distinct reports in the batch measurement")
    ap.add_argument("--batch-rounds", type=int, default=2, help="alternated jobs 1 / jobs 2 batch runs, best kept")
    ap.add_argument("--json", type=Path, help="write the raw numbers here")
    args = ap.parse_args(argv)
    started = time.perf_counter()
    src = args.src.resolve() if args.src else None
    if src and not (src / "auditor").is_dir():
        ap.error(f"--src {args.src}: no auditor package there")
    reports = args.report or [one_page_report(), *([SHARED_SEED] if SHARED_SEED.exists() else []), SEED]
    reports = [p.resolve() for p in reports]
    pycache = Path(tempfile.mkdtemp(prefix="startup-bench-pyc-"))
    runner = Runner(src, pycache)
    origin = auditor_origin(runner, src)
    script = Path(sys.executable).parent / "auditor"
    auditor = [str(script)] if script.exists() else [sys.executable, "-m", "auditor"]
    py = sys.executable
    names = {p: f"{p.stem} ({page_count(p)} p)" for p in reports}
    commands = [Command("auditor --version", [*auditor, "--version"]),
                Command("auditor --help", [*auditor, "--help"])]
    for p in reports:
        commands += [
            Command(f"check {names[p]}", [*auditor, "check", "--format", "json", str(p)], ok=(0, 1)),
            Command(f"check {names[p]}, cache off", [*auditor, "check", "--format", "json", str(p)], ok=(0, 1),
                    env={"AUDITOR_STARTUP_CACHE": "off"}),
            Command(f"bare pdfplumber {names[p]}", [py, "-c", BARE_PDFPLUMBER, str(p)]),
            Command(f"bare pypdfium2 {names[p]}", [py, "-c", BARE_PDFIUM, str(p)]),
        ]
    load_before = os.getloadavg()
    print(f"measuring auditor from {origin}: {len(commands)} commands, 1 warm-up + {args.runs} runs each",
          file=sys.stderr)
    try:
        for c in commands:
            runner.run(c)               # warm-up: bytecode written, files in the page cache, the start-up cache
            c.walls.clear()
            c.cpus.clear()
        for r in range(args.runs):
            for c in commands:
                if not c.error:
                    runner.run(c)
            print(f"  round {r + 1}/{args.runs} done, load {os.getloadavg()[0]:.1f}", file=sys.stderr)
    finally:
        shutil.rmtree(pycache, ignore_errors=True)
    load_after = os.getloadavg()
    by = {c.label: c for c in commands}

    print(f"\nauditor: {origin}; {os.cpu_count()} CPUs, load average {load_before[0]:.1f} before, "
          f"{load_after[0]:.1f} after; median of {args.runs} runs (whole processes, with bytecode)\n")
    print("| command | wall s | CPU s | min wall s |")
    print("|---|--:|--:|--:|")
    for c in commands:
        print(f"| {c.label} | {fmt(c.wall)} | {fmt(c.cpu)} | {fmt(min(c.walls) if c.walls else None)} |"
              + (f" FAILED: {c.error}" if c.error else ""))
    print("\n| report | check s | check, cache off s | bare pdfplumber s | bare pypdfium2 s | check / pdfplumber "
          "| cache off / pdfplumber | check / pypdfium2 | CPU: check / pdfplumber |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|")
    rows = []
    for p in reports:
        c, off = by[f"check {names[p]}"], by[f"check {names[p]}, cache off"]
        plumber, pdfium = by[f"bare pdfplumber {names[p]}"], by[f"bare pypdfium2 {names[p]}"]
        row = dict(report=str(p), name=names[p], check_s=c.wall, check_cache_off_s=off.wall, pdfplumber_s=plumber.wall,
                   pypdfium2_s=pdfium.wall, ratio=ratio(c.wall, plumber.wall),
                   ratio_cache_off=ratio(off.wall, plumber.wall), ratio_pdfium=ratio(c.wall, pdfium.wall),
                   ratio_cpu=ratio(c.cpu, plumber.cpu))
        rows.append(row)
        print(f"| {names[p]} | {fmt(c.wall)} | {fmt(off.wall)} | {fmt(plumber.wall)} | {fmt(pdfium.wall)} "
              f"| {fmt(row['ratio'], '.2f', 'x')} | {fmt(row['ratio_cache_off'], '.2f', 'x')} "
              f"| {fmt(row['ratio_pdfium'], '.2f', 'x')} | {fmt(row['ratio_cpu'], '.2f', 'x')} |")

    warm: dict = {}
    batch: dict = {}
    if not args.no_batch:
        print("\nwarm ratio and batch speed-up ...", file=sys.stderr)
        res = runner.output([py, "-c", WARM, json.dumps({"paths": [str(p) for p in reports], "runs": args.runs})])
        if res.returncode:
            warm = {"error": (res.stderr.strip().splitlines() or ["no message"])[-1]}
        else:
            warm = json.loads(res.stdout)
        print("\nIn one warm process (median of the runs):\n\n| report | bare loop s | audit() s | ratio |\n"
              "|---|--:|--:|--:|")
        if "error" in warm:
            print(f"FAILED: {warm['error']}")
        else:
            for p in reports:
                w = warm[str(p)]
                print(f"| {names[p]} | {w['bare_s']:.3f} | {w['audit_s']:.3f} | {w['audit_s'] / w['bare_s']:.2f}x |")
        batch = measure_batch(runner, args.batch_n, args.batch_rounds)
        print(f"\nauditor batch on {batch['n']} distinct reports (best of {args.batch_rounds}): --jobs 1 "
              f"{batch['jobs1_s']:.1f} s, --jobs 2 {batch['jobs2_s']:.1f} s: speed-up {batch['speedup']:.2f}x "
              f"({batch['statuses']})")

    print()
    version = by["auditor --version"].wall
    print(f"- `auditor --version` < {TARGET_VERSION_S} s: "
          + ("FAILED" if version is None else f"{'PASS' if version < TARGET_VERSION_S else 'MISS'} - {version:.3f} s"))
    seven = [r for r in rows if "(7 p)" in r["name"]]
    for r in seven or rows[-1:]:
        x = r["ratio"]
        print(f"- `auditor check` of {r['name']} <= {TARGET_CHECK}x bare pdfplumber (aim {AIM_CHECK}x): "
              + ("FAILED" if x is None else f"{'PASS' if x <= TARGET_CHECK else 'MISS'} - {x:.2f}x"
                                            f"{' (aim met)' if x <= AIM_CHECK else ''}"))
    print(f"\nbenchmark took {time.perf_counter() - started:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(dict(
            auditor=origin, runs=args.runs, cpus=os.cpu_count(), load_before=load_before, load_after=load_after,
            commands={c.label: dict(wall_s=c.wall, cpu_s=c.cpu, walls=c.walls, error=c.error) for c in commands},
            reports=rows, warm=warm, batch=batch), indent=2, ensure_ascii=False))
    return 1 if any(c.error for c in commands) or "error" in warm else 0


if __name__ == "__main__":
    sys.exit(main())
