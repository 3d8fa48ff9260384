"""Every message outside the rule cases in every language: each input error (error.*, and the kinds of file that
are no PDF, filekind.*), each cross-report finding (BAT001-BAT004), the engine's own words (a rule that crashed,
the baseline's reason, the OCR softening) and the reader's notes. Each is produced the way the tool produces it
(a bad file, a worker that dies, a batch of reports), and then: it is a catalogue message (an id, its
parameters), it renders strictly in every language with no placeholder left, the Chinese holds Chinese, and the
English rendering is the text the tool printed."""
from __future__ import annotations

import os
import re
import signal
import time
import zlib
from collections import deque
from collections.abc import Callable
from pathlib import Path

import pytest

from auditor import i18n
from auditor.i18n import recorded
from auditor.i18n import Msg
from fixtures import hostile

ROOT = Path(__file__).resolve().parent.parent
LANGS = i18n.available()
CJK = re.compile(r"[\u3400-\u9fff]")
LETTERS = re.compile(r"[A-Za-z]{2,}")
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
SEED = ROOT / "fixtures" / "pdf" / "seed-reportlab.pdf"


def ids_in(value) -> set[str]:
    """The ids of a message and of every message nested in its parameters."""
    out: set[str] = set()
    if isinstance(value, Msg):
        out.add(value.id)
        for v in value.params.values():
            out |= ids_in(v)
    elif isinstance(value, dict) and "id" in value:
        out.add(value["id"])
        for v in (value.get("params") or {}).values():
            out |= ids_in(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            out |= ids_in(v)
    return out


def check_renders(m: Msg, english: str | None = None) -> None:
    """m renders strictly in every language; the Chinese holds Chinese; the English is the text printed."""
    assert isinstance(m, Msg), f"not a catalogue message: {m!r}"
    for lang in LANGS:
        text = i18n.render_msg(m.id, m.params, lang, strict=True)
        assert not PLACEHOLDER.search(text), f"{m.id} [{lang}]: a placeholder left: {text!r}"
        if lang == "zh":
            assert CJK.search(text) or not LETTERS.search(text), f"{m.id} [zh]: no Chinese: {text!r}"
    assert i18n.render_msg(m.id, m.params, "en") == (str(m) if english is None else english)


def catalogue_ids(*prefixes: str) -> set[str]:
    return {m for m in i18n.catalog("en").ids() if m.startswith(prefixes)}


# ---------------------------------------------------------------- how each error is made


def _audit(path, **kw):
    from auditor.api import audit

    return audit(path, ocr="off", **kw)


def _error_of(path, **kw) -> Msg:
    """The file's error as the result keeps it: its ErrorInfo's message_id and params, as the Msg."""
    res = _audit(path, **kw)
    assert res.status == "error", res
    assert res.error is not None and res.error.message_id, f"no message id: {res.error}"
    m = recorded(res.error)
    assert res.error.message == i18n.render_msg(m.id, m.params, res.lang or "en")
    return m


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def _sniffed(data: bytes) -> Msg:
    from auditor.read import PdfError
    from auditor.read.guard import sniff

    with pytest.raises(PdfError) as e:
        sniff("x.pdf", data)
    return e.value.message


def _config(**kw):
    from auditor.engine.config import Config

    return Config.model_validate(kw)


def _captured_opinion(monkeypatch, where) -> list:
    """What the opinion on a file that could not be audited is given to say (filled when it is asked)."""
    from auditor.engine.opinion import not_verifiable

    seen: list = []

    def capture(why, config=None):
        seen.append(why)
        return not_verifiable(why, config)
    monkeypatch.setattr(where, "not_verifiable", capture)
    return seen


def _api_raising(monkeypatch, exc: BaseException):
    import auditor.api

    def boom(*a, **k):
        raise exc
    monkeypatch.setattr(auditor.api, "open_document", boom)


def _pdfium_refusing(monkeypatch, code: int):
    from auditor.read import pdfium

    def refuse(*a, **k):
        raise pdfium.PdfiumError("Failed to load document", err_code=code)
    monkeypatch.setattr(pdfium, "PdfiumDocument", refuse)


def _pdfminer_raising(monkeypatch, tmp_path, exc: BaseException) -> Msg:
    import pdfplumber

    from auditor.read import PdfError
    from auditor.read.pdfminer import open_pdfminer

    def boom(*a, **k):
        raise exc
    monkeypatch.setattr(pdfplumber, "open", boom)
    with pytest.raises(PdfError) as e:
        open_pdfminer(_write(tmp_path, "x.pdf", SEED.read_bytes()), None)
    return e.value.message


def _encrypted(tmp_path) -> Path:
    return _write(tmp_path, "locked.pdf", hostile.encrypted_pdf())


def _settings(**kw):
    from auditor.batch.isolate import Settings

    return Settings(**kw)


def _child(monkeypatch, body: Callable[[], None], **settings):
    """A forked worker whose whole life is body() (then it leaves without a result), and the outcome the parent
    records for it."""
    from auditor.batch import isolate

    def child_main(job, settings, wfd, parent):  # pragma: no cover - runs in the fork
        try:
            import faulthandler
            import resource

            faulthandler.disable()
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
            body()
        finally:
            os._exit(3)
    monkeypatch.setattr(isolate, "_child_main", child_main)
    return isolate.Child(isolate.Job(0, "/archive/report.pdf"), _settings(**settings))


def _finished(child) -> Msg:
    while not child.read():
        time.sleep(0.01)
    res = child.finish().result
    assert res.error is not None and res.error.message_id
    return recorded(res.error)


def _worker_raising(monkeypatch, exc: BaseException, **settings) -> Msg:
    """A worker whose audit raises exc: what the real worker main reports."""
    from auditor.batch import isolate

    def boom(job, settings):
        raise exc
    monkeypatch.setattr(isolate, "audit_job", boom)
    child = isolate.Child(isolate.Job(0, "/archive/report.pdf"), _settings(**settings))
    return _finished(child)


def _killed_by(sig: int, **settings) -> Callable:
    def make(tmp_path, monkeypatch):
        return _finished(_child(monkeypatch, lambda: os.kill(os.getpid(), sig), **settings))
    return make


def _stopped(reason: str) -> Callable:
    def make(tmp_path, monkeypatch):
        child = _child(monkeypatch, lambda: time.sleep(60), timeout=30.0)
        res = child.kill(reason).result
        return recorded(res.error)
    return make


class _Future:
    key, status = "k", "error"

    def exception(self):
        return RuntimeError("worker lost")

    def release(self):
        pass


class _Completed:
    def __init__(self, futures):
        self.futures = futures

    def next_batch(self, block=False):
        out, self.futures = self.futures, []
        return out


def _dask(**attrs):
    """A DaskExecutor without a cluster: what it does with a file it cannot read and with a task that failed."""
    from auditor.batch.executors import DaskExecutor

    ex = object.__new__(DaskExecutor)
    ex.queue, ex.inflight, ex._early, ex._workers, ex._workers_at = deque(), {}, [], 1, 0.0
    ex.send_files, ex.ac = False, _Completed([])
    ex.client = type("Client", (), {"status": "closed"})()
    for k, v in attrs.items():
        setattr(ex, k, v)
    return ex


def _dask_cannot_read(tmp_path, monkeypatch):
    from auditor.batch.isolate import Job

    ex = _dask(send_files=True)
    ex.queue.append(Job(0, str(tmp_path / "gone.pdf")))
    (_, outcome), = ex.poll(0)
    return recorded(outcome.result.error)


def _dask_task_failed(tmp_path, monkeypatch):
    from auditor.batch.isolate import Job

    fut = _Future()
    ex = _dask(inflight={"k": (Job(0, "/archive/report.pdf"), fut)}, ac=_Completed([fut]))
    (_, outcome), = ex.poll(0)
    return recorded(outcome.result.error)


def _worker_not_started(tmp_path, monkeypatch):
    from auditor.batch import executors
    from auditor.batch.isolate import Job

    def refuse(*a, **k):
        raise OSError(24, "Too many open files")
    monkeypatch.setattr(executors, "warm", lambda settings: None)
    monkeypatch.setattr(executors, "Child", refuse)
    ex = executors.LocalExecutor(_settings(), 1)
    ex.submit(Job(0, "/archive/report.pdf"))
    (_, outcome), = ex.poll(0)
    return recorded(outcome.result.error)


def _rule_out_of_memory(tmp_path, monkeypatch):
    from auditor.batch.isolate import Job, audit_job
    from auditor.engine.registry import registry

    def boom(self, report, ctx):
        raise MemoryError()
    monkeypatch.setattr(registry()["ARI001"], "check", boom)
    res = audit_job(Job(0, str(SEED)), _settings(config=_config(select=["ARI001"]), ocr="off"))
    return recorded(res.error)


def _not_on_worker(tmp_path, monkeypatch):
    from auditor.batch.isolate import Job, audit_job

    return recorded(audit_job(Job(0, str(tmp_path / "elsewhere.pdf")), _settings()).error)


def _opinion_of_unaudited(tmp_path, monkeypatch):
    import auditor.engine.opinion
    from auditor.batch.isolate import error_result
    from auditor.i18n import T

    seen = _captured_opinion(monkeypatch, auditor.engine.opinion)
    error_result("/archive/report.pdf", None, "crashed", T("error.interrupted", name="report.pdf"))
    return seen[0]


def _opinion_of_unread(tmp_path, monkeypatch):
    import auditor.api

    seen = _captured_opinion(monkeypatch, auditor.api)
    _audit(tmp_path / "missing.pdf")
    return seen[0]


def _stream_bomb(tmp_path, monkeypatch):
    data = zlib.compress(b" " * (3 << 20))
    pdf = hostile.raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>",
                           b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"])
    return _error_of(_write(tmp_path, "bomb.pdf", pdf), config=_config(limits={"max_stream_mb": 1}))


def _timeout(tmp_path, monkeypatch):
    import auditor.api

    def slow(*a, **k):
        time.sleep(5)
    monkeypatch.setattr(auditor.api, "open_document", slow)
    return _error_of(_write(tmp_path, "slow.pdf", SEED.read_bytes()), config=_config(limits={"timeout_s": 0.2}))


def _raised_by_api(exc: BaseException) -> Callable:
    def make(tmp_path, monkeypatch):
        _api_raising(monkeypatch, exc)
        return _error_of(_write(tmp_path, "report.pdf", SEED.read_bytes()))
    return make


def _refused_by_pdfium(code_name: str, data: bytes) -> Callable:
    def make(tmp_path, monkeypatch):
        import pypdfium2.raw as raw

        _pdfium_refusing(monkeypatch, getattr(raw, code_name))
        return _error_of(_write(tmp_path, "locked.pdf", data))
    return make


def _page_unreadable(tmp_path, monkeypatch):
    from auditor.read import reader

    def boom(*a, **k):
        raise ValueError("a page object without /MediaBox")
    monkeypatch.setattr(reader, "read_pdfium_page", boom)
    return _error_of(_write(tmp_path, "report.pdf", SEED.read_bytes()))


def _cannot_open(tmp_path, monkeypatch):
    from auditor.read import PdfError, open_document

    with pytest.raises(PdfError) as e:
        open_document(tmp_path)      # a folder: reading its bytes fails
    return e.value.message


def _encryption_handler(tmp_path, monkeypatch):
    """A file neither reader opens (PDFium names no reason) whose bytes declare an encryption dictionary."""
    from auditor.read import PdfError, reader

    def refuse(*a, **k):
        raise PdfError("unreadable", i18n.T("error.parse-failed", name="x.pdf", error="KeyError: 'Root'"))
    monkeypatch.setattr(reader, "open_pdfium", refuse)
    monkeypatch.setattr(reader.Reader, "_read_plumber_only", refuse)
    return _error_of(_encrypted(tmp_path))


def _damaged(tmp_path, monkeypatch):
    from auditor.read import PdfError, reader

    def refuse(self):
        raise PdfError("unreadable", i18n.T("error.parse-failed", name="x.pdf", error="PDFSyntaxError"))
    monkeypatch.setattr(reader.Reader, "_read_plumber_only", refuse)
    return _error_of(_write(tmp_path, "junk.pdf", b"%PDF-1.4\n" + b"\x00garbage " * 40 + b"\n%%EOF\n"))


def _encryption_summary(data: bytes) -> Callable:
    def make(tmp_path, monkeypatch):
        from auditor.read.pdfium import encryption_summary

        return encryption_summary(data)
    return make


FILE_KINDS = {
    "filekind.png": hostile.png_bytes(), "filekind.jpeg": b"\xff\xd8\xff\xe0" + bytes(200),
    "filekind.gif": b"GIF89a" + bytes(200), "filekind.tiff": b"II*\x00" + bytes(200),
    "filekind.zip": b"PK\x03\x04" + bytes(200), "filekind.old-office": b"\xd0\xcf\x11\xe0" + bytes(200),
    "filekind.rtf": b"{\\rtf1\\ansi hello}", "filekind.gzip": b"\x1f\x8b\x08" + bytes(200),
    "filekind.rar": b"Rar!\x1a\x07" + bytes(200), "filekind.7z": b"7z\xbc\xaf\x27\x1c" + bytes(200),
    "filekind.html": b"<!DOCTYPE html><html><body>404 not found</body></html>",
    "filekind.text": b"Product carbon footprint report, draft\n" * 10, "filekind.binary": bytes(range(256)),
}

ERRORS: dict[str, Callable] = {
    "error.empty-file": lambda tmp, mp: _error_of(_write(tmp, "empty.pdf", b"")),
    "error.not-a-pdf": lambda tmp, mp: _error_of(_write(tmp, "image.png.pdf", hostile.png_bytes())),
    **{k: (lambda data: lambda tmp, mp: _sniffed(data))(v) for k, v in FILE_KINDS.items()},
    "error.header-only": lambda tmp, mp: _error_of(_write(tmp, "header.pdf", b"%PDF-1.7\n")),
    "error.truncated": lambda tmp, mp: _error_of(_write(tmp, "cut.pdf", SEED.read_bytes()[:4000])),
    "error.stream-too-large": _stream_bomb,
    "error.timeout": _timeout,
    "error.wrong-password": lambda tmp, mp: _error_of(_encrypted(tmp), password="not-it"),
    "error.needs-password": lambda tmp, mp: _error_of(_encrypted(tmp)),
    "error.encryption-unsupported": _refused_by_pdfium("FPDF_ERR_SECURITY", SEED.read_bytes()),
    "error.encryption-unsupported-handler": _refused_by_pdfium("FPDF_ERR_SECURITY", hostile.encrypted_pdf()),
    "error.encryption-dictionary-missing": _encryption_summary(b"%PDF-1.4\ntrailer << /Encrypt 9 0 R >>\n%%EOF"),
    "error.encryption-dictionary-no-filter": _encryption_summary(b"%PDF-1.4\ntrailer << /Encrypt << >> >>\n%%EOF"),
    "error.damaged": _damaged,
    "error.encrypted-no-password": lambda tmp, mp: _pdfminer_raising(mp, tmp, _password_incorrect()),
    "error.damaged-detail": lambda tmp, mp: _pdfminer_raising(mp, tmp, _syntax_error()),
    "error.encrypted-detail": lambda tmp, mp: _pdfminer_raising(mp, tmp, RuntimeError("a password is needed")),
    "error.parse-failed": lambda tmp, mp: _pdfminer_raising(mp, tmp, ValueError("bad xref")),
    "error.cannot-open": _cannot_open,
    "error.unsupported-filter": lambda tmp, mp: _error_of(_write(tmp, "brotli.pdf", _brotli())),
    "error.encryption-handler": _encryption_handler,
    "error.no-pages": lambda tmp, mp: _page_count(0),
    "error.too-many-pages": lambda tmp, mp: _error_of(_write(tmp, "many.pdf", hostile.blank_pages_pdf(5)),
                                                      config=_config(limits={"max_pages": 2})),
    "error.page-tree": lambda tmp, mp: _error_of(_write(tmp, "loop.pdf", hostile.loop_pdf())),
    "error.page-unreadable": _page_unreadable,
    "error.not-read": _opinion_of_unread,
    "error.not-audited": _opinion_of_unaudited,
    "error.not-found": lambda tmp, mp: _error_of(tmp / "missing.pdf"),
    "error.is-folder": lambda tmp, mp: _error_of(tmp),
    "error.out-of-memory-parsing": _raised_by_api(MemoryError()),
    "error.nested-too-deep": _raised_by_api(RecursionError()),
    "error.bug": _raised_by_api(KeyError("stage")),
    "error.not-on-worker": _not_on_worker,
    "error.out-of-memory-checking": _rule_out_of_memory,
    "error.out-of-memory-cap": lambda tmp, mp: _worker_raising(mp, MemoryError(), max_memory_mb=16384),
    "error.out-of-memory": lambda tmp, mp: _worker_raising(mp, MemoryError()),
    "error.worker-failed": lambda tmp, mp: _worker_raising(mp, RuntimeError("the worker's own bug")),
    "error.killed": _killed_by(signal.SIGKILL),
    "error.killed-near-cap": _killed_by(signal.SIGBUS, max_memory_mb=16384),
    "error.signal-number": _killed_by(signal.SIGRTMIN + 1),
    "error.worker-exited": lambda tmp, mp: _finished(_child(mp, lambda: None)),
    "error.worker-timeout": _stopped("timeout"),
    "error.interrupted": _stopped("interrupted"),
    "error.worker-not-started": _worker_not_started,
    "error.cannot-read": _dask_cannot_read,
    "error.dask-task-failed": _dask_task_failed,
}


def _page_count(n: int) -> Msg:
    """What the reader says of a document of n pages (PDFium calls a page tree without pages encrypted)."""
    from auditor.read import PdfError
    from auditor.read.guard import Limits
    from auditor.read.ocr import OcrOptions
    from auditor.read.reader import Reader

    r = Reader(Path("none.pdf"), b"", "", OcrOptions.of("off"), None, Limits(), "pdfium", None, None)
    with pytest.raises(PdfError) as e:
        r._check_page_count(n)
    return e.value.message


def _password_incorrect():
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    return PDFPasswordIncorrect()


def _syntax_error():
    from pdfminer.pdfparser import PDFSyntaxError

    return PDFSyntaxError("No /Root object! - Is this really a PDF?")


def _brotli() -> bytes:
    from tests.test_reading import _brotli_pdf

    return _brotli_pdf()


def test_every_error_message_is_produced():
    assert sorted(catalogue_ids("error.", "filekind.") - set(ERRORS)) == []
    assert sorted(set(ERRORS) - catalogue_ids("error.", "filekind.")) == []


@pytest.mark.parametrize("mid", sorted(ERRORS))
def test_error_message_renders_in_every_language(mid, tmp_path, monkeypatch):
    m = ERRORS[mid](tmp_path, monkeypatch)
    assert isinstance(m, Msg), f"{mid}: not a catalogue message: {m!r}"
    assert mid in ids_in(m), f"{mid} not produced: got {sorted(ids_in(m))}: {m}"
    check_renders(m)


def test_an_error_stays_one_line_and_keeps_its_message(tmp_path):
    """one_line shortens the parameters of a message, never turns it into plain text."""
    from auditor.api import one_line
    from auditor.i18n import T

    m = one_line(T("error.bug", name="x.pdf", error="ValueError: line one\nline two   three"))
    assert isinstance(m, Msg) and m.id == "error.bug"
    assert "\n" not in m and "\n" not in m.render("zh") and "line one line two three" in m


def test_an_error_is_rendered_in_the_language_asked_for(tmp_path):
    res = _audit(_write(tmp_path, "empty.pdf", b""))
    assert res.error.message_id == "error.empty-file" and res.error.params == {"name": "empty.pdf"}
    from auditor.api import in_language

    zh = in_language(res, "zh")
    assert zh.error.message.startswith("empty.pdf 是空文件") and zh.lang == "zh"


# ---------------------------------------------------------------- cross-report findings


def _entry(path, sha, number=None, product="P", model="M", total="10.0", factors=("e=0.5",), text="",
           unit="kgCO2e"):
    from auditor.batch.crosscheck import Entry

    return Entry(path=path, sha256=sha, report_number=number, product=product, model=model, total=total,
                 total_unit=unit, factors=list(factors), text=text)


def _prose(n: int = 800) -> str:
    """n random CJK characters: the normalised prose of one report."""
    import random

    rng = random.Random(0)
    return "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(n))


PROSE = _prose()


def _batch_findings():
    from auditor.batch.crosscheck import crosscheck

    many = [_entry(f"/same/{i}.pdf", "s-same", product=f"X{i}", text="") for i in range(8)]
    runs = [
        # one number on two reports, one of them with a copy; near-identical, totals 2.5x apart
        [_entry("/a.pdf", "s1", "N-1", total="10.0", text=PROSE), _entry("/b.pdf", "s2", "N-1", total="25.0",
                                                                          text=PROSE),
         _entry("/b-copy.pdf", "s2", "N-1", total="25.0", text=PROSE)],
        # one number on two different reports, no copies; factors that differ in six items, the first missing
        [_entry("/c.pdf", "s3", "N-2", product="Q", text=PROSE,
                factors=["f=6", "a=1", "b=2", "c=3", "d=4", "e=5"]),
         _entry("/d.pdf", "s4", "N-2", product="Q", text=PROSE, factors=["a=1.1", "b=2.1", "c=3.1", "d=4.1", "e=5.1"])],
        # the same factors on other lines
        [_entry("/e.pdf", "s5", product="R", text=PROSE, factors=["a=1", "b=2"]),
         _entry("/f.pdf", "s6", product="R", text=PROSE, factors=["b=2", "a=1"])],
        many,
    ]
    return [f for entries in runs for f in crosscheck(entries)]


BATCH_IDS = ("BAT", "batch.and-more", "batch.vs", "word.none")   # the batch summary's own words: test_i18n_outputs


def test_every_batch_message_is_produced():
    seen = set().union(*(ids_in({"id": f.message_id, "params": f.params}) for f in _batch_findings()))
    assert sorted(catalogue_ids(*BATCH_IDS) - seen) == []


def test_batch_findings_render_in_every_language():
    found = _batch_findings()
    assert {f.code for f in found} == {"BAT001", "BAT002", "BAT003", "BAT004"}
    for f in found:
        assert f.message_id and f.message_id.startswith(f.code + ".")
        assert isinstance(f.message, str) and type(f.message) is str       # stored as plain English text
        check_renders(Msg(f.message_id, f.params), english=f.message)
        assert f.render("en") == f.message and CJK.search(f.render("zh"))


def test_batch_finding_messages_pickle():
    import pickle

    f = _batch_findings()[0]
    g = pickle.loads(pickle.dumps(f))
    assert g.render("zh") == f.render("zh") and g.message == f.message


# ---------------------------------------------------------------- the engine's own words


def _report(case: dict):
    from tests.rules.build import build_report

    return build_report(case)


def test_a_crashed_rule_is_a_catalogue_message(monkeypatch):
    from auditor.engine.pipeline import run_rules
    from auditor.engine.registry import registry

    def boom(self, report, ctx):
        raise RuntimeError("injected failure")
    monkeypatch.setattr(registry()["ARI003"], "check", boom)
    found = run_rules(_report({"results": {"rows": [["原材料获取", "81.9386"]], "total": "81.9386"}}),
                      _config(select=["ARI003"], lang="en"))
    f, = [f for f in found if f.rule == "INT001"]
    assert f.message_id == "internal.rule-crashed" and f.params["exception"] == "RuntimeError"
    assert "rule ARI003 (total-sum-mismatch) crashed: RuntimeError: injected failure" in f.message
    check_renders(recorded(f), english=f.message)


def test_the_baseline_reason_is_in_the_results_language():
    from auditor.api import audit_report, tool_info
    from auditor.engine.baseline import Baseline, BaselineReport, apply_baseline
    from auditor.model import AuditOutput

    case = {"results": {"rows": [["原材料获取", "81.9386"]], "total": "81.9886"}}
    res = audit_report(_report(case), _config(select=["ARI003"], lang="zh"), path="r.pdf")
    f = res.findings[0]
    from collections import Counter

    apply_baseline(AuditOutput(tool=tool_info(), reports=[res]),
                   Baseline(reports=[BaselineReport("r.pdf", None, Counter([f.fingerprint]))]))
    assert f.suppressed is not None and f.suppressed.reason == "已在基线中"
    assert f.suppressed.texts["reason"]["id"] == "suppressed.baseline"
    check_renders(recorded(f.suppressed, "reason"))


def test_a_finding_on_a_shaky_ocr_digit_says_so_in_every_language():
    from auditor.api import audit_report
    from auditor.model import Location

    case = {"inventory": {"stages": [{"stage": "产品生产", "lines": [
        {"item": "电力", "activity": "10 kWh", "factor": "0.5777", "emissions": "6.777"}]}]}}
    report = _report(case)
    q = report.inventory.stages[0].lines[0].emissions
    q.confidence, q.location = 41.0, Location(page=3, bbox=(10.0, 20.0, 60.0, 32.0))
    res = audit_report(report, _config(select=["ARI001"], lang="en"))
    f, = res.findings
    assert f.severity == "warning" and f.cause.startswith("OCR uncertainty: '6.777' was read with confidence 41")
    cause = recorded(f, "cause")
    assert {"cause.ocr-uncertain", "place.page-box"} <= ids_in(cause)
    check_renders(cause, english=f.cause)


# ---------------------------------------------------------------- the reader's notes (EXT002's messages)


def test_the_notes_of_a_real_report_are_catalogue_messages():
    from auditor.api import parse

    codes = set()
    for pdf in ("seed-docx.pdf", "tpl-study-en-docx.pdf", "tpl-annual-zh-docx.pdf", "synth-3-seed-scan.pdf"):
        report = parse(ROOT / "fixtures" / "pdf" / pdf, ocr="off")
        codes |= {n.code for n in report.notes}
        for n in report.notes:
            assert n.message_id, f"{n.code}: no message id: {n.message}"
            check_renders(recorded(n), english=n.message)
        for t in report.tables:
            for rel in t.relations:
                assert rel.texts.get("relation"), rel
                check_renders(recorded(rel, "relation"), english=rel.relation)
    assert {"blank-page", "prose-value-unread", "table-unread", "no-text-layer"} <= codes


def test_an_ocr_digit_read_with_low_confidence_is_noted_in_every_language():
    from auditor.extract import labelled_quantities
    from auditor.read.ocr import low_confidence_notes

    case = {"inventory": {"stages": [{"stage": "产品生产", "lines": [
        {"item": "电力", "activity": "10 kWh", "factor": "0.5777", "emissions": "5.777"}]}]},
            "results": {"rows": [["产品生产", "5.777", "100%"]], "total": "5.777"},
            "quotes": [{"place": "summary", "stage": "产品生产", "value": "5.777"}, {"place": "cover", "value": "5.777"}]}
    report = _report(case)
    from auditor.engine.soften import walk_quantities

    for q in walk_quantities(report):
        q.confidence = 50.0
    notes = low_confidence_notes(labelled_quantities(report))
    assert len(notes) >= 8
    seen = set()
    for n in notes:
        m = recorded(n)
        seen |= ids_in(m)
        check_renders(m, english=n.message)
    assert {"where.line-activity", "where.line-factor", "where.line-emissions", "where.results-row",
            "where.results-row-percent", "where.results-total", "where.quote-stage", "where.quote-total"} <= seen
