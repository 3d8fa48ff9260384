"""Where the workers run: forked from this process (local) or in a Dask cluster (dask).

Both take jobs with ``submit(job)`` and hand back ``(job, Outcome)`` pairs from ``poll(timeout)``; both run every
file through the same isolation (:mod:`auditor.batch.isolate`), so they store identical results.
"""
from __future__ import annotations

import os
import selectors
import time
import uuid
from collections import deque
from pathlib import Path

from ..i18n import T
from .isolate import Child, Job, Outcome, Settings, error_result, run_isolated, warm


class LocalExecutor:
    """At most `jobs` forked workers at a time, one per file; a worker that dies or hangs costs only its file."""

    name = "local"

    def __init__(self, settings: Settings, jobs: int):
        self.settings = settings
        self.jobs = max(1, jobs)
        self.queue: deque[Job] = deque()
        self.running: dict[int, Child] = {}
        self.sel = selectors.DefaultSelector()
        self._early: list[tuple[Job, Outcome]] = []  # files whose worker could not even start
        warm(settings)  # before the first fork: workers inherit a warm process

    @property
    def workers(self) -> int:
        return self.jobs

    def submit(self, job: Job) -> None:
        self.queue.append(job)

    def busy(self) -> bool:
        return bool(self.queue or self.running or self._early)

    def _fill(self) -> None:
        while self.queue and len(self.running) < self.jobs:
            job = self.queue.popleft()
            try:
                child = Child(job, self.settings, close_fds=tuple(self.running))
            except OSError as e:  # fork or pipe refused (process or file limits)
                self._early.append((job, Outcome(error_result(
                    job.path, job.sha256, "crashed",
                    T("error.worker-not-started", name=Path(job.path).name, why=str(e.strerror or e))), 0.0)))
                continue
            self.running[child.fd] = child
            self.sel.register(child.fd, selectors.EVENT_READ, child)

    def _drop(self, child: Child) -> None:
        self.sel.unregister(child.fd)
        del self.running[child.fd]

    def poll(self, timeout: float = 0.2) -> list[tuple[Job, Outcome]]:
        self._fill()
        done, self._early = self._early, []
        if not self.running:
            return done
        deadlines = [c.deadline for c in self.running.values() if c.deadline is not None]
        wait = timeout
        if deadlines:
            wait = max(0.0, min(wait, min(deadlines) - time.monotonic()))
        for key, _ in self.sel.select(wait):
            child = key.data
            if child.read():
                self._drop(child)
                done.append((child.job, child.finish()))
        now = time.monotonic()
        for child in [c for c in self.running.values() if c.deadline is not None and now >= c.deadline]:
            self._drop(child)
            done.append((child.job, child.kill("timeout")))
        self._fill()
        return done

    def close(self) -> None:
        """Stop every running worker (after an interrupt); their files are not recorded."""
        for child in list(self.running.values()):
            self._drop(child)
            child.kill("interrupted")
        self.queue.clear()
        self.sel.close()


class DaskExecutor:
    """One Dask task per file on a LocalCluster of `jobs` single-threaded worker processes, or on an existing
    cluster (`scheduler` address). Each task forks its own isolated worker, so a timeout or crash is recorded
    the same way as locally. At most 4 tasks per worker thread are in flight (bounded memory with `send_files`)."""

    name = "dask"

    def __init__(self, settings: Settings, jobs: int, scheduler: str | None = None, send_files: bool = False):
        import logging

        from dask.distributed import Client, LocalCluster, as_completed

        self.settings = settings
        self.send_files = send_files
        self.cluster = None
        if scheduler:
            self.client = Client(scheduler, timeout=30)
            try:
                self.client.wait_for_workers(1, timeout=60)
            except Exception as e:
                self.client.close()
                raise RuntimeError(f"the Dask scheduler at {scheduler} has no workers: {e}") from None
        else:
            # the cluster's processes start with SIGINT ignored (inherited): a Ctrl-C in the terminal reaches the
            # whole process group, and only this process is to handle it (stop the cluster quietly, exit 130)
            import signal
            import threading

            main = threading.current_thread() is threading.main_thread()
            previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
            try:
                self.cluster = LocalCluster(n_workers=max(1, jobs), threads_per_worker=1, processes=True,
                                            dashboard_address=None, silence_logs=logging.ERROR)
            finally:
                if main:
                    signal.signal(signal.SIGINT, previous)
            self.client = Client(self.cluster)
        self._workers, self._workers_at = 0, 0.0
        self._settings_future = self.client.scatter(settings, broadcast=True, hash=False)
        self.ac = as_completed()
        self.queue: deque[Job] = deque()
        self.inflight: dict[str, tuple[Job, object]] = {}
        self.run_key = uuid.uuid4().hex[:8]
        self._early: list[tuple[Job, Outcome]] = []  # files that failed before reaching a worker

    @property
    def workers(self) -> int:
        """Worker threads in the cluster (asked of the scheduler at most every 5 s)."""
        if self.client.status == "running" and time.monotonic() - self._workers_at > 5:
            try:
                self._workers = sum(self.client.nthreads().values())
                self._workers_at = time.monotonic()
            except Exception:
                pass
        return max(1, self._workers)

    def submit(self, job: Job) -> None:
        self.queue.append(job)

    def busy(self) -> bool:
        return bool(self.queue or self.inflight or self._early)

    def _fill(self) -> None:
        limit = 4 * self.workers
        while self.queue and len(self.inflight) < limit:
            job = self.queue.popleft()
            if self.send_files and job.data is None:
                try:
                    job.data = Path(job.path).read_bytes()
                except OSError as e:
                    self._early.append((job, Outcome(error_result(
                        job.path, job.sha256, "unreadable",
                        T("error.cannot-read", name=Path(job.path).name, why=str(e.strerror or e))), 0.0)))
                    continue
            key = f"auditor-{self.run_key}-{job.index}"  # fut.key is this key
            fut = self.client.submit(run_isolated, job, self._settings_future, pure=False, key=key)
            job.data = None  # the task holds the bytes now
            self.inflight[key] = (job, fut)
            self.ac.add(fut)

    def poll(self, timeout: float = 0.2) -> list[tuple[Job, Outcome]]:
        self._fill()
        done, self._early = self._early, []
        batch = self.ac.next_batch(block=False) if self.inflight else []
        if not batch and not done:
            time.sleep(min(timeout, 0.05))
            return []
        for fut in batch:
            job, _ = self.inflight.pop(fut.key)
            if fut.status == "finished":
                outcome = fut.result()
            else:
                exc = fut.exception() if fut.status == "error" else None
                why = f"{type(exc).__name__}: {exc}" if exc else str(fut.status)
                outcome = Outcome(error_result(job.path, job.sha256, "crashed",
                                               T("error.dask-task-failed", name=Path(job.path).name, why=why)), 0.0)
            fut.release()
            done.append((job, outcome))
        self._fill()
        return done

    def close(self) -> None:
        try:
            futs = [f for _, f in self.inflight.values()]
            if futs:
                self.client.cancel(futs)
            self.inflight.clear()
            self.queue.clear()
            self.client.close()
        finally:
            if self.cluster is not None:
                self.cluster.close()


def make_executor(kind: str, settings: Settings, jobs: int, scheduler: str | None = None, send_files: bool = False):
    if kind == "dask":
        return DaskExecutor(settings, jobs, scheduler, send_files)
    return LocalExecutor(settings, jobs)


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1
