"""Running a batch: find the files, resume what is recorded, audit the rest in isolated workers, record every
file, cross-check the reports, write the outputs and the summary, and choose the exit code."""
from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from ..engine.opinion import gate_fails
from ..i18n import T
from ..model import SEVERITY_RANK, VERDICTS
from ..read.ocr import OcrOptions
from ..read.reader import sha256_file
from .isolate import TRANSIENT_CODES, Job, Settings, error_result
from .store import Store

CSV_COLUMNS = ["path", "sha256", "status", "error_code", "n_error", "n_warning", "n_info", "n_suppressed",
               "report_number", "product", "model", "total", "total_unit", "outcome", "duration_s", "verdict",
               "misstatement_share"]


class BatchError(Exception):
    """The batch could not run at all (the database or the executor); files are not to blame."""


@dataclass
class BatchOptions:
    paths: list[Path]
    settings: Settings = field(default_factory=Settings)
    jobs: int = 1
    db: Path = Path("auditor-results.sqlite")
    jsonl: Path | None = None
    csv: Path | None = None
    resume: bool = True
    executor: str = "local"
    scheduler: str | None = None
    send_files: bool = False
    fail_on: str = "error"
    progress: bool | None = None      # None: when stderr is a terminal
    argv: list[str] = field(default_factory=list)
    on_file: Callable[[str, str], None] | None = None   # called (path, audited|resumed|duplicate) as each file is
                                                        # recorded (the workbench's progress)


@dataclass
class BatchReport:
    run_id: int
    exit_code: int
    files: int                        # files recorded (all of them unless interrupted)
    found: int                        # files found
    how: Counter                      # audited | resumed | duplicate
    outcomes: Counter                 # ok | error code
    findings: Counter                 # unsuppressed findings by severity, over the batch's reports
    failing: int                      # reports with a finding at or above --fail-on
    batch_findings: list
    empty_folders: list[str]
    elapsed_s: float
    audit_s: float
    workers: int
    executor: str
    interrupted: bool = False
    failures: list = field(default_factory=list)   # (path, error code, message) of files that failed, by path
    verdicts: Counter = field(default_factory=Counter)   # reports per verdict (none: not recorded with one)

    @property
    def rate(self) -> float | None:
        """Files audited by workers per minute (resumed and copied files excluded)."""
        n = self.how.get("worker", 0)
        return 60.0 * n / self.audit_s if n and self.audit_s > 0 else None


# ---------------------------------------------------------------- files

def discover(paths: list[Path]) -> tuple[list[str], list[str], list[str]]:
    """(files, missing, empty folders). Folders are walked recursively for *.pdf in any case, symlinked files
    included (a dangling link becomes an unreadable record, not a silent skip); files named explicitly are taken
    whatever their extension. Paths are absolute, each once, folders in sorted order."""
    files: list[str] = []
    missing: list[str] = []
    empty: list[str] = []
    seen: set[str] = set()

    def add(p: str) -> None:
        if p not in seen:
            seen.add(p)
            files.append(p)

    for given in paths:
        p = os.path.abspath(given)
        if os.path.isdir(p):
            found = []
            for root, dirs, names in os.walk(p):
                dirs.sort()
                for n in names:
                    if n.lower().endswith(".pdf"):
                        found.append(os.path.join(root, n))
            found.sort()
            if not found:
                empty.append(p)
            for f in found:
                add(f)
        elif os.path.lexists(p):
            add(p)
        else:
            missing.append(p)
    return files, missing, empty


def config_hash(settings: Settings) -> str:
    """What the findings depend on besides the file, the tool version and the rules: the configuration, the OCR
    mode, the factor files given and the bundled data (factor library, vocabulary)."""
    from importlib import resources

    cfg = settings.config.model_dump(mode="json", exclude={"source", "fail_on"})
    h = hashlib.sha256(json.dumps(cfg, sort_keys=True, ensure_ascii=False).encode())
    ocr = OcrOptions.of(settings.ocr)     # where readings are cached does not change them
    h.update(f"|ocr={ocr.mode}".encode())
    if ocr.engine is not None or ocr.dpi != OcrOptions().dpi:
        h.update(f"|{ocr.engine}|{ocr.dpi}".encode())
    data = resources.files("auditor").joinpath("data")
    for item in sorted(data.iterdir(), key=lambda x: x.name):
        if item.name.endswith((".toml", ".json")):
            h.update(item.name.encode() + hashlib.sha256(item.read_bytes()).digest())
    for f in settings.config.factors:
        try:
            h.update(hashlib.sha256(Path(f).read_bytes()).digest())
        except OSError:
            h.update(b"missing")
    return h.hexdigest()[:16]


# ---------------------------------------------------------------- progress

class _Progress:
    def __init__(self, enabled: bool | None, total: int, resumed: int, live_thread: bool):
        from rich.console import Console

        self.console = Console(stderr=True)
        self.enabled = self.console.is_terminal if enabled is None else enabled
        self.bar = None
        self.errors = 0
        self.done = 0
        self.started = time.monotonic()
        self.last = 0.0
        if not self.enabled or total == 0:
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        # no refresh thread for the local executor: workers are forked from this process
        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TextColumn("{task.fields[errors]} errors"), TextColumn("{task.fields[rate]}"),
                            TimeElapsedColumn(), TextColumn("elapsed,"), TimeRemainingColumn(), TextColumn("left"),
                            console=self.console, auto_refresh=live_thread, transient=False)
        desc = f"auditing ({resumed} resumed)" if resumed else "auditing"
        self.task = self.bar.add_task(desc, total=total, errors=0, rate="")
        self.bar.start()

    def advance(self, error: bool) -> None:
        self.done += 1
        self.errors += int(error)
        if self.bar is None:
            return
        elapsed = time.monotonic() - self.started
        rate = f"{60 * self.done / elapsed:.0f} files/min" if elapsed > 1 else ""
        self.bar.update(self.task, advance=1, errors=self.errors, rate=rate)
        self.tick(force=True)

    def tick(self, force: bool = False) -> None:
        if self.bar is not None and (force or time.monotonic() - self.last > 0.25):
            self.last = time.monotonic()
            self.bar.refresh()

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.refresh()
            self.bar.stop()


# ---------------------------------------------------------------- the run

def _resume(store: Store, files: list[str], opts: BatchOptions, meta: dict, outcome_of: dict, how: Counter,
            record, save_kw: dict) -> list[Job]:
    """Hash the files (or trust the recorded hash when size and mtime are unchanged), record those that cannot
    be read, reuse the records resume allows, and return the jobs for the rest."""
    tool_v, rules_v, chash = save_kw["tool_version"], save_kw["rules_version"], save_kw["config_hash"]
    waivers = bool(opts.settings.config.waivers)
    jobs: list[Job] = []
    for p in files:
        name = os.path.basename(p)
        try:
            st = os.stat(p)
            meta[p] = (st.st_size, st.st_mtime_ns)
            prev = store.by_path(p)
            if prev is not None and prev["sha256"] and (prev["size"], prev["mtime_ns"]) == meta[p]:
                sha = prev["sha256"]
            else:
                sha = sha256_file(p)
        except OSError as e:
            record(error_result(p, None, "unreadable", T("error.cannot-read", name=name, why=str(e.strerror or e))))
            how["audited"] += 1
            outcome_of[p] = "audited"
            continue
        if opts.resume:
            row = store.reusable(sha, tool_v, rules_v, chash, prefer_path=p)
            if row is not None and (row["status"] == "ok" or row["error_code"] not in TRANSIENT_CODES):
                if row["path"] == p:
                    assert prev is not None  # row is the record at p, which by_path found above
                    if (prev["size"], prev["mtime_ns"]) != meta[p]:
                        store.touch(row["id"], *meta[p])
                    how["resumed"] += 1
                    outcome_of[p] = "resumed"
                    continue
                if row["status"] == "ok" and not waivers:  # an identical file recorded at another path
                    store.copy(row["id"], p, size=meta[p][0], mtime_ns=meta[p][1], **save_kw)
                    how["resumed"] += 1
                    outcome_of[p] = "resumed"
                    continue
        jobs.append(Job(index=len(jobs), path=p, sha256=sha))
    return jobs


def run_batch(opts: BatchOptions) -> BatchReport:
    from ..engine.registry import rules_version
    from ..version import __version__

    t0 = time.monotonic()
    settings = opts.settings
    tool_v, rules_v, chash = __version__, rules_version(), config_hash(settings)
    files, missing, empty = discover(opts.paths)
    _check_outputs(opts, files)
    lock = _lock(opts.db)
    try:
        return _run(opts, t0, settings, tool_v, rules_v, chash, files, missing, empty)
    finally:
        lock.close()


def _check_outputs(opts: BatchOptions, files: list[str]) -> None:
    """Refuse, before any work, an output that would overwrite an input or an existing PDF."""
    from ..outpaths import UnsafeOutput, check_output

    inputs = [Path(p) for p in opts.paths] + [Path(f) for f in files]
    try:
        for path, option in ((opts.jsonl, "--jsonl"), (opts.csv, "--csv"), (opts.db, "--db")):
            if path is not None:
                check_output(Path(path), inputs, option)
    except UnsafeOutput as e:
        raise BatchError(str(e)) from None


def _lock(db: Path):
    """One batch at a time per database: an exclusive lock on `<db>.lock`; a second batch refuses."""
    import fcntl

    lock_path = f"{db}.lock"
    try:
        fh = open(lock_path, "a")
    except OSError as e:
        raise BatchError(f"cannot create the lock file {lock_path}: {e.strerror or e}") from None
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        fh.close()
        raise BatchError(f"another batch is running on {db} (locked: {lock_path}); wait for it to finish or use "
                         f"another --db") from None
    return fh


def _run(opts, t0, settings, tool_v, rules_v, chash, files, missing, empty) -> BatchReport:
    from .executors import make_executor

    store = Store(opts.db)
    run_id = store.begin_run(tool_v, rules_v, chash, opts.executor, opts.jobs, opts.argv)
    how: Counter = Counter()
    outcome_of: dict[str, str] = _Outcomes(opts.on_file)    # path -> audited | resumed | duplicate
    meta: dict[str, tuple[int | None, int | None]] = {}    # path -> (size, mtime_ns)
    save_kw = {"tool_version": tool_v, "rules_version": rules_v, "config_hash": chash, "run_id": run_id}

    def record(result, duration=None, rss=None) -> int:
        size, mtime = meta.get(result.path, (None, None))
        return store.save(result, size=size, mtime_ns=mtime, duration_s=duration, peak_rss_mb=rss, **save_kw)

    all_paths = missing + files
    interrupted = False
    executor = None
    progress = None
    t_audit = time.monotonic()
    previous_term = _stop_on_sigterm()
    try:
        for p in missing:
            record(error_result(p, None, "not-found", T("error.not-found", path=p)))
            how["audited"] += 1
            outcome_of[p] = "audited"

        # ---- what needs a worker
        jobs = _resume(store, files, opts, meta, outcome_of, how, record, save_kw)

        # identical files in this run: audit one, copy its result to the others (unless waivers match on paths)
        waivers = bool(settings.config.waivers)
        first: dict[str | None, Job] = {}
        followers: dict[str | None, list[Job]] = {}
        to_submit: list[Job] = []
        for j in jobs:
            if j.sha256 in first and not waivers:
                followers.setdefault(j.sha256, []).append(j)
            else:
                first.setdefault(j.sha256, j)
                to_submit.append(j)

        progress = _Progress(opts.progress, len(jobs), how["resumed"], live_thread=opts.executor == "dask")
        if jobs:
            try:
                executor = make_executor(opts.executor, settings, opts.jobs, opts.scheduler, opts.send_files)
            except (OSError, RuntimeError, ValueError) as e:  # e.g. no scheduler at that address
                store.finish_run(run_id, "failed", {}, 2)
                store.close()
                raise BatchError(f"cannot start the {opts.executor} executor: {type(e).__name__}: {e}") from None
            t_audit = time.monotonic()
            for j in to_submit:
                executor.submit(j)
            while executor.busy():
                for job, outcome in executor.poll(0.2):
                    res = outcome.result
                    if res.sha256 is None:
                        res.sha256 = job.sha256
                    rid = record(res, outcome.duration_s, outcome.peak_rss_mb)
                    how["audited"] += 1
                    how["worker"] += 1
                    outcome_of[job.path] = "audited"
                    progress.advance(res.status == "error")
                    sha = job.sha256
                    waiting = followers.pop(sha, []) if first.get(sha) is job else []
                    for f in waiting:
                        if res.status == "ok":
                            store.copy(rid, f.path, size=meta[f.path][0], mtime_ns=meta[f.path][1], **save_kw)
                            how["duplicate"] += 1
                            outcome_of[f.path] = "duplicate"
                            progress.advance(False)
                        else:  # errors name the file: audit each copy itself
                            executor.submit(f)
                progress.tick()
    except KeyboardInterrupt:
        interrupted = True
    finally:
        if progress is not None:
            progress.stop()
        if executor is not None:
            try:
                executor.close()
            except Exception:
                pass
        _restore_sigterm(previous_term)
    audit_s = time.monotonic() - t_audit

    if interrupted:
        report = _report(store, run_id, all_paths, how, [], empty, opts, t0, audit_s, executor, interrupted=True)
        store.finish_run(run_id, "interrupted", _run_counts(report), 130)
        store.close()
        return report

    # ---- cross-report checks over every file of this run (audited, resumed or copied)
    from .crosscheck import Entry, crosscheck

    rows = store.rows_for(all_paths, "id, path, sha256, status, summary_json, norm_text")
    entries = []
    ids = {}
    for r in rows:
        ids[r["path"]] = r["id"]
        s = json.loads(r["summary_json"]) if r["summary_json"] else {}
        entries.append(Entry(path=r["path"], sha256=r["sha256"], status=r["status"],
                             report_number=s.get("report_number"), product=s.get("product"), model=s.get("model"),
                             total=s.get("total"), total_unit=s.get("total_unit"), factors=s.get("factors") or [],
                             text=r["norm_text"] or ""))
    batch_findings = crosscheck(entries)
    store.save_batch_findings(run_id, batch_findings, ids)

    report = _report(store, run_id, all_paths, how, batch_findings, empty, opts, t0, audit_s, executor)
    _write_outputs(store, all_paths, opts, outcome_of)
    store.finish_run(run_id, "finished", _run_counts(report), report.exit_code)
    store.close()
    return report


class _Outcomes(dict):
    """path -> outcome; tells `on_file` of every file as it is recorded."""

    def __init__(self, on_file: Callable[[str, str], None] | None):
        super().__init__()
        self.on_file = on_file

    def __setitem__(self, path: str, outcome: str) -> None:
        super().__setitem__(path, outcome)
        if self.on_file is not None:
            self.on_file(path, outcome)


def _stop_on_sigterm():
    """SIGTERM (a job scheduler, `kill`) stops the batch like Ctrl-C: workers killed, recorded files kept."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return None

    def handler(signum, frame):
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, handler)


def _restore_sigterm(previous) -> None:
    import signal

    if previous is not None:
        signal.signal(signal.SIGTERM, previous)


def _gate_severities(fail_on: str) -> list[str]:
    if fail_on in ("never", "material"):   # material: the verdict decides, not a severity
        return []
    return [s for s, r in SEVERITY_RANK.items() if r >= SEVERITY_RANK[fail_on]]


def _report(store: Store, run_id: int, paths: list[str], how: Counter, batch_findings: list, empty: list[str],
            opts: BatchOptions, t0: float, audit_s: float, executor, interrupted: bool = False) -> BatchReport:
    rows = store.rows_for(paths, "path, status, error_code, error_message, n_error, n_warning, n_info, verdict")
    failures = sorted((r["path"], r["error_code"] or "error", r["error_message"] or "")
                      for r in rows if r["status"] != "ok")
    outcomes: Counter = Counter()
    findings: Counter = Counter()
    gate = _gate_severities(opts.fail_on)
    failing = 0
    verdicts: Counter = Counter()
    for r in rows:
        outcomes["ok" if r["status"] == "ok" else r["error_code"] or "error"] += 1
        for s in ("error", "warning", "info"):
            findings[s] += r[f"n_{s}"]
        verdicts[r["verdict"] or "none"] += 1
        if any(r[f"n_{s}"] for s in gate) or (opts.fail_on == "material" and r["status"] == "ok"
                                               and gate_fails(r["verdict"])):
            failing += 1
    errors = sum(n for k, n in outcomes.items() if k != "ok")
    if errors or empty:
        code = 2
    elif failing or any(f.severity in gate for f in batch_findings):
        code = 1
    else:
        code = 0
    workers = executor.workers if executor is not None else (opts.jobs if opts.executor == "local" else 0)
    return BatchReport(run_id=run_id, exit_code=130 if interrupted else code, files=len(rows), found=len(paths),
                       how=how,
                       outcomes=outcomes, findings=findings, failing=failing, batch_findings=batch_findings,
                       verdicts=verdicts,
                       empty_folders=empty, elapsed_s=time.monotonic() - t0, audit_s=audit_s, workers=workers,
                       executor=opts.executor, interrupted=interrupted, failures=failures)


def _run_counts(report: BatchReport) -> dict[str, int]:
    return {"files": report.files, "audited": report.how.get("audited", 0), "resumed": report.how.get("resumed", 0),
            "duplicate": report.how.get("duplicate", 0),
            "failed": sum(n for k, n in report.outcomes.items() if k != "ok")}


@contextlib.contextmanager
def _open(path: Path) -> Iterator[IO[str]]:
    """stdout for -, else the file written atomically (an interrupted write leaves the previous file)."""
    if str(path) == "-":
        yield sys.stdout
        return
    from ..outpaths import atomic_open

    with atomic_open(path, "w", encoding="utf-8", newline="") as fh:
        yield fh


def _write_outputs(store: Store, paths: list[str], opts: BatchOptions, outcome_of: dict[str, str]) -> None:
    """--jsonl and --csv are written at the end, in path order, from the database (resumed files included); an
    interrupted batch writes neither (the summary says so)."""
    if opts.jsonl is not None:
        with _open(opts.jsonl) as out:
            for i in range(0, len(paths), 200):
                for r in store.rows_for(paths[i:i + 200], "path, result_json"):
                    out.write(r["result_json"] + "\n")
    if opts.csv is not None:
        with _open(opts.csv) as out:
            w = csv.writer(out)
            w.writerow(CSV_COLUMNS)
            cols = ", ".join(c for c in CSV_COLUMNS if c != "outcome")
            for i in range(0, len(paths), 500):
                for r in store.rows_for(paths[i:i + 500], cols):
                    outcome = outcome_of.get(r["path"], "audited")
                    w.writerow([outcome if c == "outcome" else r[c] for c in CSV_COLUMNS])


# ---------------------------------------------------------------- the summary

SHOWN_FAILURES = 20
WIDTH = 80


def _fit(line: str, ellipsis: bool = True) -> str:
    """One summary line in 80 columns (the message is cut with '...'; a command is wrapped instead)."""
    if len(line) <= WIDTH:
        return line
    if ellipsis:
        return line[:WIDTH - 3] + "..."
    out, rest = [], line
    while len(rest) > WIDTH:
        cut = rest.rfind(" ", 0, WIDTH - 2)
        cut = cut if cut > 4 else WIDTH - 2
        out.append(rest[:cut] + " \\")
        rest = "    " + rest[cut:].lstrip()
    return "\n".join(out + [rest])


def format_summary(report: BatchReport, opts: BatchOptions, lang: str | None = None) -> str:
    from .. import i18n
    from ..output.common import verdict_text

    lang = lang or i18n.resolve(opts.settings.config.lang)

    def _(mid: str, **params) -> str:
        return i18n.t(mid, lang, **params)

    lines = []
    how = report.how
    head = _("batch.head", files=i18n.T("batch.n-files", n=report.files), seconds=f"{report.elapsed_s:.1f}",
             workers=i18n.T("batch.n-workers", n=report.workers), executor=report.executor)
    if report.interrupted:
        head += _("batch.interrupted", files=report.files, found=report.found)
    lines.append(head)
    rate = _("batch.rate", rate=f"{report.rate:.1f}") if report.rate else ""
    lines.append(f"  {_('batch.audited-now'):<16} {how.get('audited', 0):>6}{rate}")
    lines.append(f"  {_('batch.resumed'):<16} {how.get('resumed', 0):>6}  {_('batch.resumed-why', db=str(opts.db))}")
    if how.get("duplicate"):
        lines.append(f"  {_('batch.identical'):<16} {how.get('duplicate', 0):>6}  {_('batch.identical-why')}")
    lines.append(_("batch.outcomes"))
    lines.append(f"  {'ok':<16} {report.outcomes.get('ok', 0):>6}")
    for code, n in sorted((k, v) for k, v in report.outcomes.items() if k != "ok"):
        lines.append(f"  {code:<16} {n:>6}")
    f = report.findings
    lines.append(_("batch.findings", errors=f.get("error", 0), warnings=f.get("warning", 0), infos=f.get("info", 0)))
    lines.append("  " + _("batch.failing", n=report.failing, fail_on=opts.fail_on))
    if report.verdicts:
        lines.append(_("batch.verdicts", verdicts=i18n.J([_("batch.verdict-count", n=n, verdict=verdict_text(v, lang))
                                                         for v, n in sorted(report.verdicts.items(), key=lambda kv:
                                                         VERDICTS.index(kv[0]) if kv[0] in VERDICTS else 99)],
                                                        "comma")))
    for folder in report.empty_folders:
        lines.append(_("batch.empty-folder", folder=str(folder)))
    if report.batch_findings:
        lines.append(_("batch.cross-findings", n=len(report.batch_findings)))
        cwd = os.getcwd() + os.sep
        for bf in report.batch_findings:
            message = _batch_message(bf, lang)
            for p in bf.paths:  # the database keeps absolute paths; people read them relative
                if p.startswith(cwd):
                    message = message.replace(p, p[len(cwd):])
            lines.append(_fit(f"  {bf.code} {bf.severity:<7} {message}"))
    elif not report.interrupted:
        lines.append(_("batch.cross-findings-none"))
    if report.failures:
        lines.append(_("batch.failed-files", n=len(report.failures)))
        cwd = os.getcwd() + os.sep
        for path, code, message in report.failures[:SHOWN_FAILURES]:
            rel = path[len(cwd):] if path.startswith(cwd) else path
            if len(rel) > 48:  # keep the file name: cut the folders on the left
                rel = "..." + rel[-45:]
            lines.append(_fit(f"  {rel}  {code}: {message}"))
        if len(report.failures) > SHOWN_FAILURES:
            lines.append("  " + _("batch.more-failures", n=len(report.failures) - SHOWN_FAILURES))
            lines.append(_fit(f"  sqlite3 {opts.db} \"SELECT path, error_code, error_message FROM reports WHERE "
                              f"status = 'error' ORDER BY path\"", ellipsis=False))
    lines.append(_("batch.results", db=str(opts.db), run=report.run_id))
    for path, option in ((opts.jsonl, "jsonl"), (opts.csv, "csv")):
        if path is not None and str(path) != "-":
            lines.append(f"{option}: {path}" + (_("batch.not-written") if report.interrupted else ""))
    failed = sum(n for k, n in report.outcomes.items() if k != "ok")
    why = {0: _("batch.exit-0"), 1: _("batch.exit-1"),
           2: _("batch.exit-2", n=failed) + (_("batch.exit-2-folders", n=len(report.empty_folders))
                                             if report.empty_folders else ""),
           130: _("batch.exit-130")}
    lines.append(_("batch.exit", code=report.exit_code, why=why.get(report.exit_code, "")))
    return "\n".join(lines) + "\n"


def _batch_message(bf, lang: str) -> str:
    """A cross-report finding's message in `lang` when it was recorded with its catalogue id."""
    from .. import i18n

    mid = getattr(bf, "message_id", None)
    if mid:
        try:
            return i18n.render_msg(mid, getattr(bf, "params", None) or {}, lang)
        except KeyError:
            pass
    return bf.message
