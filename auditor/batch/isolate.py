"""Auditing one file in a forked worker process, with a wall-clock timeout and an address-space cap.

A worker is a plain ``os.fork()`` of a warmed process (rules registry, factor library, pint, pdfminer's CJK
CMaps and every lazily imported module already loaded), so starting one costs a few milliseconds and its
first file is as fast as its hundredth. The worker writes one pickled message to a pipe and leaves with
``os._exit``; the parent reads it, and ``wait4`` gives the worker's exit status and peak RSS. Whatever happens to
the worker (a crash, a signal, a hang, an allocation the cap refuses) is turned into a ReportResult with
status "error" and a code: ``timeout``, ``crashed`` or ``out-of-memory``. Nothing here raises for a bad file.

The same :class:`Child` serves the local executor (many children from the CLI process) and the Dask executor
(one child at a time from each Dask worker process, see :func:`run_isolated`). ``os.fork`` rather than
``multiprocessing`` because Dask's worker processes are daemonic and multiprocessing refuses children there.

Test hooks (for the test suite only): AUDITOR_TEST_HANG_ON, AUDITOR_TEST_CRASH_ON, AUDITOR_TEST_MEMORY_ON hold
comma-separated substrings of file names; a worker given a matching file sleeps for an hour, kills itself with
SIGSEGV, or asks for more memory than the cap allows (only when a cap is set).
"""
from __future__ import annotations

import os
import pickle
import selectors
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ..engine.config import Config
from ..i18n import T
from ..model import ErrorInfo, ReportResult
from ..read.ocr import OcrOptions

if TYPE_CHECKING:
    import ctypes

# error codes that describe the run, not the file: a resumed batch audits these files again
TRANSIENT_CODES = frozenset({"timeout", "crashed", "out-of-memory", "not-found", "interrupted"})


@dataclass
class Settings:
    """What every file of a batch is audited with (picklable: it travels to Dask workers)."""

    config: Config = field(default_factory=Config)
    ocr: str | OcrOptions = "auto"    # a mode, or the OCR options (engine, dpi, cache)
    timeout: float | None = 300.0
    max_memory_mb: int | None = None
    password: str | None = None    # for encrypted PDFs; never stored


@dataclass
class Job:
    index: int
    path: str                      # absolute; also the path recorded in the result
    sha256: str | None = None
    data: bytes | None = None      # the file's bytes, when shipped to a worker that cannot read the path


@dataclass
class Outcome:
    result: ReportResult
    duration_s: float
    peak_rss_mb: float | None = None


def error_result(path: str, sha: str | None, code: str, message: str) -> ReportResult:
    """A file that could not be audited. `message`: a catalogue message (error.*), so that it is read in the
    reader's language."""
    from ..engine.opinion import not_verifiable

    return ReportResult(path=path, sha256=sha, status="error", error=ErrorInfo(code=code, message=message),
                        opinion=not_verifiable(T("error.not-audited", code=code, message=message)))


# ---------------------------------------------------------------- warming the process that forks

_warmed: set[tuple] = set()

_MINI_PDF_CONTENT = (b"BT /F1 10 Tf 72 720 Td (Product carbon footprint 1.0 kgCO2e) Tj ET "
                     b"72 700 m 300 700 l S 72 680 m 300 680 l S 72 660 m 300 660 l S 72 660 m 72 700 l S "
                     b"300 660 m 300 700 l S 186 660 m 186 700 l S "
                     b"BT /F1 10 Tf 80 686 Td (Stage) Tj ET BT /F1 10 Tf 190 686 Td (Total) Tj ET "
                     b"BT /F1 10 Tf 80 666 Td (A) Tj ET BT /F1 10 Tf 190 666 Td (1.5) Tj ET")


def _mini_pdf() -> bytes:
    """A one-page PDF with a line of text and a ruled 2x2 table, to run every stage of an audit once."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(_MINI_PDF_CONTENT) + _MINI_PDF_CONTENT + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, o in enumerate(objs):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % (i + 1) + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return out


def warm(settings: Settings) -> None:
    """Load, once per process and configuration, everything an audit loads lazily, so forked workers start
    warm: the rules, the factor library, the unit table, the vocabulary, and one audit of a tiny PDF (pdfium,
    pdfplumber's table finder, the regexes)."""
    key = (tuple(settings.config.factors), settings.ocr)
    if key in _warmed:
        return
    import tempfile

    from .. import units, vocab
    from ..api import audit
    from ..engine.reference import load_library
    from ..engine.registry import registry, rules_version

    _load_libc()
    registry()
    rules_version()
    load_library(settings.config.factors)
    units._table()
    vocab.vocab()
    with tempfile.TemporaryDirectory(prefix="auditor-warm-") as d:
        p = Path(d) / "warm.pdf"
        p.write_bytes(_mini_pdf())
        try:
            audit(p, settings.config, ocr="off")
        except Exception:
            pass
    _warmed.add(key)


# ---------------------------------------------------------------- inside the worker

def _hooked(env: str, name: str) -> bool:
    return any(s and s in name for s in os.environ.get(env, "").split(","))


def audit_job(job: Job, settings: Settings) -> ReportResult:
    """Audit one file in this process (the worker). A shipped file is audited from a temporary copy with the
    same base name, so messages read the same; the result carries the original path."""
    from ..api import audit

    name = Path(job.path).name
    if _hooked("AUDITOR_TEST_HANG_ON", name):
        time.sleep(3600)
    if _hooked("AUDITOR_TEST_CRASH_ON", name):
        os.kill(os.getpid(), signal.SIGSEGV)
    if _hooked("AUDITOR_TEST_MEMORY_ON", name) and settings.max_memory_mb:
        bytearray((settings.max_memory_mb + 64) << 20)  # more than the cap allows: MemoryError, nothing touched
    if job.data is not None:
        import tempfile

        with tempfile.TemporaryDirectory(prefix="auditor-") as d:
            p = Path(d) / name
            p.write_bytes(job.data)
            result = audit(p, settings.config, ocr=settings.ocr, password=settings.password)
        result.path = job.path
    elif not os.path.exists(job.path):  # the worker does not see the file (another machine): not the file's fault
        import socket

        return error_result(job.path, job.sha256, "not-found",
                            T("error.not-on-worker", name=name, host=socket.gethostname()))
    else:
        result = audit(job.path, settings.config, ocr=settings.ocr, password=settings.password)
    if result.status == "ok" and any(f.rule == "INT001" and f.params.get("exception") == "MemoryError"
                                     for f in result.findings):
        # a rule ran out of memory: the audit is incomplete, say so rather than report a partial result
        return error_result(job.path, result.sha256 or job.sha256, "out-of-memory",
                            T("error.out-of-memory-checking", name=name))
    return result


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


_libc: ctypes.CDLL | Literal[False] | None = None   # False: could not be loaded


def _load_libc():
    global _libc
    if _libc is None:
        try:
            import ctypes

            _libc = ctypes.CDLL(None, use_errno=True)
        except Exception:
            _libc = False
    return _libc


def _die_with_parent(parent: int) -> None:
    """Linux: the worker gets SIGKILL if the thread that forked it goes away (no orphaned hung workers)."""
    libc = _load_libc()
    if libc:
        try:
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except Exception:
            pass
    if os.getppid() != parent:  # the parent died before prctl
        os._exit(71)


def _worker_setup(parent: int, max_memory_mb: int | None) -> None:  # pragma: no cover - runs in the fork
    """A forked worker's first steps: default signals, dying with its parent, quiet (a crash is recorded by the
    parent; no dump or pdfminer warning over its progress bar), its address space capped."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent(parent)
    import faulthandler
    import logging
    import warnings

    if faulthandler.is_enabled():
        faulthandler.disable()
    logging.disable(logging.WARNING)
    warnings.simplefilter("ignore")
    if max_memory_mb:
        import resource

        cap = int(max_memory_mb) << 20
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def _fork(main, *args, close_fds: tuple[int, ...] = ()) -> tuple[int, int]:
    """Fork a worker that runs main(*args, write_fd, parent_pid) (and never returns); (its pid, the read end)."""
    r, w = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the worker
        try:
            os.close(r)
            for fd in close_fds:
                try:
                    os.close(fd)
                except OSError:
                    pass
        finally:
            main(*args, w, parent)
    os.close(w)
    return pid, r


def _child_main(job: Job, settings: Settings, wfd: int, parent: int) -> None:  # pragma: no cover - runs in the fork
    code = 0
    try:
        _worker_setup(parent, settings.max_memory_mb)
        message: tuple[str, ReportResult] | tuple[str, str, str] | None = None
        try:
            message = ("result", audit_job(job, settings))
        except MemoryError:  # the traceback's frames are released when the except block ends
            message = ("error", "out-of-memory",
                       T("error.out-of-memory-cap", name=Path(job.path).name, cap=settings.max_memory_mb)
                       if settings.max_memory_mb else T("error.out-of-memory", name=Path(job.path).name))
        except BaseException as e:  # audit() does not raise; this is a bug in the worker itself
            message = ("error", "crashed", T("error.worker-failed", name=Path(job.path).name,
                                             error=f"{type(e).__name__}: {e}"))
        try:
            payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            message = None  # drop the result to make room for the small error message
            payload = pickle.dumps(("error", "out-of-memory", T("error.out-of-memory", name=Path(job.path).name)))
        _write_all(wfd, payload)
    except BaseException:
        code = 70
    finally:
        os._exit(code)


# ---------------------------------------------------------------- in the parent

class Child:
    """One forked worker auditing one file."""

    def __init__(self, job: Job, settings: Settings, close_fds: tuple[int, ...] = ()):
        self.job = job
        self.settings = settings
        pid, r = _fork(_child_main, job, settings, close_fds=close_fds)
        self.pid = pid
        self.fd = r
        self.buf = bytearray()
        self.started = time.monotonic()
        self.deadline = self.started + settings.timeout if settings.timeout else None

    def read(self) -> bool:
        """Read what is available; True at end of file (the worker is done or dead)."""
        try:
            data = os.read(self.fd, 1 << 16)
        except InterruptedError:
            return False
        if data:
            self.buf += data
            return False
        return True

    def _reap(self) -> tuple[int, float | None]:
        _, status, usage = os.wait4(self.pid, 0)
        os.close(self.fd)
        return status, usage.ru_maxrss / 1024.0

    def finish(self) -> Outcome:
        status, rss = self._reap()
        duration = time.monotonic() - self.started
        name = Path(self.job.path).name
        message = None
        if self.buf:
            try:
                message = pickle.loads(bytes(self.buf))
            except Exception:
                message = None
        if message is not None and message[0] == "result":
            result = message[1]
        elif message is not None:
            result = error_result(self.job.path, self.job.sha256, message[1], message[2])
        elif os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            try:
                signame: str = signal.Signals(sig).name
            except ValueError:
                signame = T("error.signal-number", number=str(sig))
            if self.settings.max_memory_mb and sig in (signal.SIGSEGV, signal.SIGABRT, signal.SIGBUS):
                why = T("error.killed-near-cap", name=name, signal=signame, cap=self.settings.max_memory_mb)
            else:
                why = T("error.killed", name=name, signal=signame)
            result = error_result(self.job.path, self.job.sha256, "crashed", why)
        else:
            code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else status
            result = error_result(self.job.path, self.job.sha256, "crashed",
                                  T("error.worker-exited", name=name, code=str(code)))
        if result.sha256 is None:
            result.sha256 = self.job.sha256
        return Outcome(result=result, duration_s=round(duration, 3), peak_rss_mb=round(rss, 1) if rss else None)

    def kill(self, reason: str = "timeout") -> Outcome:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        _, rss = self._reap()
        duration = time.monotonic() - self.started
        name = Path(self.job.path).name
        if reason == "timeout":
            result = error_result(self.job.path, self.job.sha256, "timeout",
                                  T("error.worker-timeout", name=name, seconds=f"{self.settings.timeout:g}"))
        else:
            result = error_result(self.job.path, self.job.sha256, "interrupted", T("error.interrupted", name=name))
        return Outcome(result=result, duration_s=round(duration, 3), peak_rss_mb=round(rss, 1) if rss else None)


def run_isolated(job: Job, settings: Settings) -> Outcome:
    """Audit one file in a forked worker and wait for it (the Dask task; also usable on its own)."""
    warm(settings)
    child = Child(job, settings)
    sel = selectors.DefaultSelector()
    sel.register(child.fd, selectors.EVENT_READ)
    try:
        while True:
            wait = None if child.deadline is None else max(0.0, child.deadline - time.monotonic())
            if sel.select(wait):
                if child.read():
                    return child.finish()
            elif child.deadline is not None and time.monotonic() >= child.deadline:
                return child.kill("timeout")
    except BaseException:
        try:
            os.kill(child.pid, signal.SIGKILL)
            os.waitpid(child.pid, 0)
        except OSError:
            pass
        raise
    finally:
        sel.close()


# ---------------------------------------------------------------- any call, isolated the same way

class IsolatedError(Exception):
    """A call in a forked worker gave no value: code is timeout, out-of-memory, crashed or failed."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _call_main(fn, args: tuple, max_memory_mb: int | None, wfd: int,
               parent: int) -> None:  # pragma: no cover - runs in the fork
    code = 0
    try:
        _worker_setup(parent, max_memory_mb)
        message: tuple = ("error", "failed", "no value")
        try:
            message = ("value", fn(*args))
        except MemoryError:
            message = ("error", "out-of-memory", f"out of memory (cap {max_memory_mb} MB)")
        except BaseException as e:
            message = ("error", "failed", f"{type(e).__name__}: {e}")
        try:
            payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            payload = pickle.dumps(("error", "out-of-memory", "out of memory"))
        _write_all(wfd, payload)
    except BaseException:
        code = 70
    finally:
        os._exit(code)


def call_isolated(fn, *args, timeout: float | None = 60.0, max_memory_mb: int | None = None):
    """fn(*args) run in a forked worker with the batch's isolation (a wall-clock timeout, an address-space cap,
    killed with the thread that forked it); its value comes back pickled. Raises IsolatedError (timeout,
    out-of-memory, crashed, failed) instead of letting a parser bug or a hostile file reach the caller's process.
    The workbench renders page images and reads what the parser saw this way."""
    pid, r = _fork(_call_main, fn, args, max_memory_mb)
    buf = bytearray()
    deadline = time.monotonic() + timeout if timeout else None
    sel = selectors.DefaultSelector()
    sel.register(r, selectors.EVENT_READ)
    timed_out = False
    try:
        while True:
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            if sel.select(wait):
                data = os.read(r, 1 << 16)
                if not data:
                    break
                buf += data
            elif deadline is not None and time.monotonic() >= deadline:
                timed_out = True
                os.kill(pid, signal.SIGKILL)
                break
    except BaseException:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
        raise
    finally:
        sel.close()
        os.close(r)
        _, status = os.waitpid(pid, 0)
    if timed_out:
        raise IsolatedError("timeout", f"no result within {timeout:g} s; the worker was stopped")
    try:
        message = pickle.loads(bytes(buf)) if buf else None
    except Exception:
        message = None
    if message is None:
        why = (f"killed by signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status)
               else f"exit code {os.WEXITSTATUS(status)}")
        raise IsolatedError("crashed", f"the worker ended without a result ({why})")
    if message[0] == "value":
        return message[1]
    raise IsolatedError(message[1], message[2])
