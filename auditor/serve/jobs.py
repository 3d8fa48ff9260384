"""Audits started from the page: each job (an upload, a folder, a re-audit) is one run of the batch runner over
its files, in a thread of its own, so every file is audited in the batch's isolated worker processes (timeout,
memory cap) and recorded exactly as `auditor batch` records it, while the event loop keeps serving pages.

One job runs at a time (the batch's lock on the database allows one batch); the others wait in the queue. A
batch started from the command line on the same database makes a job wait until it is done. Progress is kept in
memory (the page polls it); the records themselves are in the database as soon as each file is done.
"""
from __future__ import annotations

import os
import queue
import sqlite3
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from .settings import ServeSettings

KEEP_JOBS = 50          # finished jobs remembered for the page


@dataclass
class FileState:
    path: str
    name: str                           # what the page shows (the uploaded name; a folder's relative path)
    state: str = "queued"               # queued | done
    outcome: str | None = None          # audited | resumed | duplicate
    report_id: int | None = None
    status: str | None = None           # ok | error
    verdict: str | None = None
    error_code: str | None = None
    n_error: int = 0
    n_warning: int = 0


@dataclass
class Job:
    id: str
    kind: str                           # upload | folder | reaudit
    title: str
    files: dict[str, FileState]
    resume: bool = True
    state: str = "queued"               # queued | waiting | running | done | failed
    message: str | None = None
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    run_id: int | None = None

    @property
    def done(self) -> int:
        return sum(1 for f in self.files.values() if f.state == "done")

    @property
    def total(self) -> int:
        return len(self.files)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.files.values() if f.status == "error")

    @property
    def active(self) -> bool:
        return self.state in ("queued", "waiting", "running")

    @property
    def elapsed(self) -> float | None:
        if self.started is None:
            return None
        return (self.finished or time.time()) - self.started


class JobManager:
    """The queue of audit jobs and the thread that runs them (started with :meth:`start`)."""

    def __init__(self, settings: ServeSettings):
        self.settings = settings
        self.jobs: OrderedDict[str, Job] = OrderedDict()
        self.queue: queue.Queue[Job | None] = queue.Queue()
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None
        self.ready = threading.Event()      # set once the audit machinery is loaded (workers fork warm)

    # ---------------------------------------------------------------- the page's side
    def submit(self, kind: str, files: list[tuple[str, str]], title: str, resume: bool = True) -> Job:
        job = Job(id=uuid.uuid4().hex[:12], kind=kind, title=title, resume=resume,
                  files={p: FileState(path=p, name=n) for p, n in files})
        with self.lock:
            self.jobs[job.id] = job
            finished = [k for k, j in self.jobs.items() if not j.active]
            for k in finished[:max(0, len(finished) - KEEP_JOBS)]:
                del self.jobs[k]
        self.queue.put(job)
        return job

    def get(self, job_id: str) -> Job | None:
        with self.lock:
            return self.jobs.get(job_id)

    def recent(self, n: int = 8) -> list[Job]:
        with self.lock:
            return list(reversed(self.jobs.values()))[:n]

    def busy(self) -> bool:
        with self.lock:
            return any(j.active for j in self.jobs.values())

    # ---------------------------------------------------------------- the thread
    def start(self) -> None:
        if self.thread is None:
            self.thread = threading.Thread(target=self._loop, name="auditor-serve-jobs", daemon=True)
            self.thread.start()

    def stop(self) -> None:
        self.queue.put(None)

    def _loop(self) -> None:
        from ..batch.isolate import warm

        try:
            warm(self.settings.audit)       # before the first fork: every worker starts warm
        finally:
            self.ready.set()
        while True:
            job = self.queue.get()
            if job is None:
                return
            try:
                self._run(job)
            except Exception as e:          # a bug of ours: the job says so, the thread goes on
                job.state = "failed"
                job.message = f"{type(e).__name__}: {e}"
                job.finished = time.time()

    def _run(self, job: Job) -> None:
        from ..batch.runner import BatchError, BatchOptions, run_batch

        s = self.settings
        con = sqlite3.connect(s.db, timeout=30)
        con.row_factory = sqlite3.Row

        def on_file(path: str, outcome: str) -> None:
            f = job.files.get(path)
            if f is None:
                return
            row = con.execute("SELECT id, status, verdict, error_code, n_error, n_warning, run_id FROM reports "
                              "WHERE path = ?", (path,)).fetchone()
            f.state, f.outcome = "done", outcome
            if row is not None:
                f.report_id, f.status, f.verdict = row["id"], row["status"], row["verdict"]
                f.error_code, f.n_error, f.n_warning = row["error_code"], row["n_error"], row["n_warning"]
                job.run_id = job.run_id or row["run_id"]

        opts = BatchOptions(paths=[Path(p) for p in job.files], settings=s.audit, jobs=s.jobs, db=s.db,
                            resume=job.resume, progress=False, argv=["serve", job.kind, job.id], on_file=on_file)
        try:
            job.state, job.started = "running", time.time()
            while True:
                try:
                    report = run_batch(opts)
                    break
                except BatchError as e:
                    if "another batch is running" in str(e):   # `auditor batch` on the same database
                        job.state, job.message = "waiting", str(e)
                        time.sleep(2)
                        continue
                    raise
            job.run_id = report.run_id
            job.state, job.message = "done", None
            for f in job.files.values():    # files the hook did not see (a missing file is recorded early)
                if f.state != "done":
                    on_file(f.path, "audited")
        except Exception as e:
            job.state, job.message = "failed", f"{type(e).__name__}: {e}" if not isinstance(e, BatchError) else str(e)
        finally:
            job.finished = time.time()
            con.close()


def folder_files(root: Path) -> list[tuple[str, str]]:
    """The PDFs a server-side folder holds, as the batch finds them: (absolute path, path shown)."""
    from ..batch.runner import discover

    files, _, _ = discover([root])
    base = os.path.abspath(root)
    return [(p, os.path.relpath(p, base)) for p in files]
