"""A bounded fuzz run over damaged PDFs: `audit()` must never raise on any bytes.

Three small committed fixtures are mutated with a fixed seed (random.Random(1234): bytes flipped, the file cut
short, ranges deleted or duplicated, PDF tokens such as `endobj`, `/Length 999999999` or `0 0 R` written over the
syntax, two files spliced together) and each of the 90 mutants is audited with OCR off. Every audit returns a result
whose status is "ok" or "error"; an error carries a stable kebab-case code and a one-line message (no traceback),
and is not the catch-all "parse-failed" (an exception nothing classified: an auditor bug, not bad input); an "ok"
result has no INT001 (a rule crashed on what was read); no audit takes longer than 20 s. The run prints how many
mutants were read and how many refused, by error code, and checks that both happened (so the mutations neither
all break the file nor all miss it). The ReportLab mutants are also read with the pdfplumber reader.
"""
from __future__ import annotations

import collections
import functools
import random
import re
import signal
import time
from pathlib import Path

import pytest

from auditor.api import audit
from auditor.model import ReportResult

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "pdf"
SEEDS = ["seed-reportlab.pdf", "seed-html.pdf", "synth-7-wide-docx.pdf"]
MUTANTS_PER_SEED = 30
TIME_LIMIT = 20.0       # seconds per audit
# error codes are stable kebab-case words (empty, not-a-pdf, truncated, unreadable, encrypted, ...: see PdfError);
# the set grows with the reader, so only their form is checked here
CODE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
# api.audit's catch-all for an exception nothing classified ("an auditor bug: please report it")
INTERNAL_CODES = {"parse-failed"}

TOKENS = [b"endobj", b"obj", b"/Length 999999999", b"/Length -1", b"<<", b">>", b"R", b"0 0 R", b"99999 0 R",
          b"%%EOF", b"stream\n", b"endstream", b"xref\n0 1\n", b"trailer", b"startxref\n999999999\n", b"[", b"]",
          b"/Type /Pages /Count 999999999", b"/Kids [1 0 R]", b"/Filter /FlateDecode", b"/Encrypt 1 0 R", b"(",
          b")", b"\x00" * 16, b"/Root 3 0 R", b"/W [1 2]", b"/MediaBox [0 0 0 0]", b"/Font << >>", b"-1e999"]
# syntax worth aiming at: mutating inside a compressed stream mostly just breaks that stream
TARGETS = re.compile(rb"/Length \d+|\d+ 0 obj|endobj|\d+ 0 R|stream\r?\n|endstream|xref|trailer|startxref|<<|>>"
                     rb"|/Type\s*/\w+|/Count \d+|/Kids\s*\[")


class FuzzTimeout(BaseException):
    """Raised by the CPU-time alarm inside a runaway audit; a BaseException so that audit()'s `except Exception`
    cannot swallow it. (A CPU-time alarm, SIGVTALRM, because audit() arms SIGALRM for its own wall-clock limit.)"""


# ---------------------------------------------------------------------- mutations (each: rng, data, other -> data)


def flip_bytes(rng: random.Random, data: bytes, other: bytes) -> tuple[bytes, str]:
    b = bytearray(data)
    n = rng.randint(1, 64)
    for _ in range(n):
        i = rng.randrange(len(b))
        b[i] ^= rng.randint(1, 255)
    return bytes(b), f"flip {n} bytes"


def truncate(rng, data, other):
    cut = rng.randrange(len(data))
    return data[:cut], f"truncate at {cut}"


def delete_range(rng, data, other):
    a = rng.randrange(len(data))
    n = rng.randint(1, max(1, len(data) // rng.choice([4, 20, 200])))
    return data[:a] + data[a + n:], f"delete {n} bytes at {a}"


def duplicate_range(rng, data, other):
    a = rng.randrange(len(data))
    n = rng.randint(1, max(1, len(data) // rng.choice([4, 20, 200])))
    at = rng.randrange(len(data))
    return data[:at] + data[a:a + n] + data[at:], f"duplicate {n} bytes from {a} at {at}"


def overwrite_token(rng, data, other):
    tok = rng.choice(TOKENS)
    at = _target(rng, data)
    return data[:at] + tok + data[at + len(tok):], f"overwrite {tok[:24]!r} at {at}"


def insert_token(rng, data, other):
    tok = rng.choice(TOKENS)
    at = _target(rng, data)
    return data[:at] + tok + data[at:], f"insert {tok[:24]!r} at {at}"


def replace_syntax(rng, data, other):
    """Replace one piece of PDF syntax (a /Length, an object header, a reference, ...) with a token."""
    hits = list(TARGETS.finditer(data))
    if not hits:
        return insert_token(rng, data, other)
    m = rng.choice(hits)
    tok = rng.choice(TOKENS)
    return data[:m.start()] + tok + data[m.end():], f"replace {m.group()[:24]!r} at {m.start()} with {tok[:24]!r}"


def splice(rng, data, other):
    a, b = rng.randrange(len(data)), rng.randrange(len(other))
    return data[:a] + other[b:], f"splice head {a} + other's tail from {b}"


def _target(rng: random.Random, data: bytes) -> int:
    hits = [m.start() for m in TARGETS.finditer(data)]
    return rng.choice(hits) if hits and rng.random() < 0.7 else rng.randrange(len(data))


MUTATIONS = [flip_bytes, truncate, delete_range, duplicate_range, overwrite_token, insert_token, replace_syntax,
             replace_syntax, splice]


@functools.lru_cache(maxsize=2)
def mutants(seed: int = 1234) -> tuple[tuple[str, bytes, str], ...]:
    """(seed file, mutated bytes, what was done), the same list on every run."""
    rng = random.Random(seed)
    originals = {name: (FIXTURES / name).read_bytes() for name in SEEDS}
    out = []
    for name in SEEDS:
        data = originals[name]
        for _ in range(MUTANTS_PER_SEED):
            m, steps = data, []
            for _ in range(rng.choice([1, 1, 1, 2, 3])):
                other = originals[rng.choice(SEEDS)]
                if not m:
                    break
                m, what = rng.choice(MUTATIONS)(rng, m, other)
                steps.append(what)
            out.append((name, m, "; ".join(steps)))
    return tuple(out)


def _alarm(signum, frame):
    raise FuzzTimeout()


def _config():
    """The default configuration, with the audit's own wall-clock limit just above ours (so a hang comes back as
    a result with code 'timeout', which this test reports as too slow)."""
    from auditor.engine.config import Config

    try:
        return Config.model_validate({"limits": {"timeout_s": TIME_LIMIT + 5}})
    except Exception:  # a configuration without limits
        return Config()


def timed_audit(path: Path) -> tuple[ReportResult | None, float, str | None]:
    """audit(path) with a CPU-time safety net; returns (result, wall seconds, what went wrong outside the
    contract)."""
    old = signal.signal(signal.SIGVTALRM, _alarm)
    signal.setitimer(signal.ITIMER_VIRTUAL, TIME_LIMIT + 10)
    start = time.monotonic()
    try:
        return audit(path, config=_config(), ocr="off"), time.monotonic() - start, None
    except FuzzTimeout:
        return None, time.monotonic() - start, f"still running after {TIME_LIMIT + 10:.0f} s of CPU"
    except BaseException as e:  # noqa: BLE001 - the contract is that audit() never raises
        return None, time.monotonic() - start, f"raised {type(e).__name__}: {e}"
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, old)


def fuzz(cases, tmp_path: Path) -> tuple[str, list[str], collections.Counter]:
    """Audit every mutant; returns a summary line, the contract violations, and the per-status counts."""
    problems: list[str] = []
    status: collections.Counter = collections.Counter()
    codes: collections.Counter = collections.Counter()
    slowest = (0.0, "")
    for i, (name, data, what) in cases:
        path = tmp_path / f"mutant-{i:03d}-{Path(name).stem}.pdf"
        path.write_bytes(data)
        result, seconds, broke = timed_audit(path)
        where = f"mutant {i} of {name} ({what})"
        slowest = max(slowest, (seconds, where))
        if broke:
            problems.append(f"{where}: {broke}")
            continue
        if seconds > TIME_LIMIT:
            problems.append(f"{where}: took {seconds:.1f} s")
        if not isinstance(result, ReportResult) or result.status not in ("ok", "error"):
            problems.append(f"{where}: unexpected result {result!r:.200}")
            continue
        status[result.status] += 1
        if result.status == "error":
            err = result.error
            if err is None or not err.code or not err.message:
                problems.append(f"{where}: error without code or message: {err!r}")
                continue
            codes[err.code] += 1
            if not CODE.match(err.code):
                problems.append(f"{where}: error code is not a stable kebab-case word: {err.code!r}")
            if "\n" in err.message or "\r" in err.message or "Traceback" in err.message:
                problems.append(f"{where}: error message is not one line: {err.message!r:.300}")
            if err.code in INTERNAL_CODES:   # an exception the reader did not classify: a bug, not bad input
                problems.append(f"{where}: {err.code}: {err.message:.300}")
        else:
            if result.error is not None:
                problems.append(f"{where}: status ok with an error {result.error!r}")
            crashed = [f.message for f in result.findings if f.rule == "INT001"]
            if crashed:
                problems.append(f"{where}: a rule crashed on what was read: {crashed[0]}")
    summary = (f"{sum(status.values())} mutants: {dict(status)}; error codes {dict(codes)}; "
               f"slowest {slowest[0]:.1f} s ({slowest[1]})")
    return summary, problems, status


def test_mutants_are_seeded_and_distinct():
    a, b = mutants(), mutants.__wrapped__()
    assert a == b                                                               # reproducible
    assert len(a) == len(SEEDS) * MUTANTS_PER_SEED
    originals = {(FIXTURES / n).read_bytes() for n in SEEDS}
    assert sum(1 for _, d, _ in a if d in originals) <= 2                       # almost every one is changed


def test_audit_never_raises_on_mutated_pdfs(tmp_path, record_property):
    summary, problems, status = fuzz(enumerate(mutants()), tmp_path)
    print(summary)
    record_property("fuzz_summary", summary)
    assert not problems, "\n".join([summary, *problems])
    # not vacuous: the mutations both break files and leave some readable
    assert status["ok"] >= 5 and status["error"] >= 5, summary


def test_pdfplumber_reader_on_mutated_pdfs(tmp_path, monkeypatch, record_property):
    """The same contract with the pdfplumber reader (AUDITOR_PARSER=pdfplumber, kept to compare readings), on the
    mutants of the small ReportLab file."""
    monkeypatch.setenv("AUDITOR_PARSER", "pdfplumber")
    cases = [(i, m) for i, m in enumerate(mutants()) if m[0] == "seed-reportlab.pdf"]
    summary, problems, status = fuzz(cases, tmp_path)
    print("pdfplumber reader:", summary)
    record_property("fuzz_summary_pdfplumber", summary)
    assert not problems, "\n".join([summary, *problems])
    assert status["ok"] >= 1 and status["error"] >= 3, summary


@pytest.mark.parametrize("data,code", [
    (b"", "empty"), (b"hello, not a pdf", "not-a-pdf"), (b"%PDF-1.4\n", None),
    (b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF", None),
])
def test_degenerate_files(tmp_path, data, code):
    """The smallest broken inputs: an empty file, text, a bare header, a catalogue without pages."""
    path = tmp_path / "degenerate.pdf"
    path.write_bytes(data)
    result, seconds, broke = timed_audit(path)
    assert broke is None and result is not None and seconds < TIME_LIMIT
    assert result.status == "error" and result.error is not None and result.error.code
    assert CODE.match(result.error.code) and "\n" not in result.error.message
    if code is not None:
        assert result.error.code == code
