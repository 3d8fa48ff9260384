"""`auditor batch`: every file recorded once, isolation (timeout, crash, memory cap), resume, the local and Dask
executors giving identical results, outputs, exit codes and the cross-report checks."""
from __future__ import annotations

import csv
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auditor.cli import app
from auditor.model import ReportResult
from tests.conftest import FIXTURES, ROOT

runner = CliRunner()

# file (relative to the archive root) -> expected status or error code
EXPECTED = {
    "a/seed-docx.pdf": "ok",
    "a/b/seed-corrected-reportlab.pdf": "ok",
    "c/deep/synth-7-wide-reportlab.pdf": "ok",
    "c/COPY.PDF": "ok",                    # upper-case extension, identical to a/seed-docx.pdf
    "junk/x.pdf": "not-a-pdf",             # a text file named .pdf
    "junk/empty.pdf": "empty",
    "junk/truncated.pdf": "truncated",     # the first 2000 bytes of a PDF
    "junk/encrypted.pdf": "encrypted",
    "junk/dangling.pdf": "unreadable",     # a symlink to nothing
    "slow/hang.pdf": "timeout",            # AUDITOR_TEST_HANG_ON
    "slow/crash.pdf": "crashed",           # AUDITOR_TEST_CRASH_ON (SIGSEGV)
    "slow/oom.pdf": "out-of-memory",       # AUDITOR_TEST_MEMORY_ON
}
HOOKS = {"AUDITOR_TEST_HANG_ON": "hang.pdf", "AUDITOR_TEST_CRASH_ON": "crash.pdf",
         "AUDITOR_TEST_MEMORY_ON": "oom.pdf"}
FAST = ["--timeout-per-file", "6", "--max-memory", "1536"]  # 6 s: room for a loaded CI machine


def make_archive(root: Path) -> Path:
    from pypdf import PdfReader, PdfWriter

    for rel in EXPECTED:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURES / "seed-docx.pdf", root / "a/seed-docx.pdf")
    shutil.copy(FIXTURES / "seed-corrected-reportlab.pdf", root / "a/b/seed-corrected-reportlab.pdf")
    shutil.copy(FIXTURES / "synth-7-wide-reportlab.pdf", root / "c/deep/synth-7-wide-reportlab.pdf")
    shutil.copy(FIXTURES / "seed-docx.pdf", root / "c/COPY.PDF")
    (root / "junk/x.pdf").write_text("this is not a PDF\n")
    (root / "junk/empty.pdf").write_bytes(b"")
    (root / "junk/truncated.pdf").write_bytes((FIXTURES / "seed-docx.pdf").read_bytes()[:2000])
    w = PdfWriter(clone_from=PdfReader(FIXTURES / "synth-3-seed-reportlab.pdf"))
    w.encrypt("secret")
    with open(root / "junk/encrypted.pdf", "wb") as f:
        w.write(f)
    os.symlink(root / "nowhere.pdf", root / "junk/dangling.pdf")
    shutil.copy(FIXTURES / "synth-3-seed-docx.pdf", root / "slow/hang.pdf")
    shutil.copy(FIXTURES / "synth-7-wide-docx.pdf", root / "slow/crash.pdf")
    shutil.copy(FIXTURES / "synth-3-seed-html.pdf", root / "slow/oom.pdf")
    (root / "junk/notes.txt").write_text("not a PDF name: never picked up\n")
    return root


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    return make_archive(tmp_path_factory.mktemp("archive"))


@pytest.fixture
def hooks(monkeypatch):
    for k, v in HOOKS.items():
        monkeypatch.setenv(k, v)


def batch(*args):
    res = runner.invoke(app, ["batch", "--no-progress", *map(str, args)])
    if res.exception and not isinstance(res.exception, SystemExit):
        raise res.exception
    return res.exit_code, res.stdout


def count(out: str, label: str) -> int:
    m = re.search(rf"^\s*{label}\s+(\d+)", out, re.M)
    assert m, (label, out)
    return int(m.group(1))


def rows(db: Path, sql: str = "SELECT * FROM reports ORDER BY path") -> list[sqlite3.Row]:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def wait_for_records(db: Path, n: int, seconds: float = 60) -> int:
    """Poll the results database until n files are recorded (or the time is up); the number recorded."""
    deadline = time.monotonic() + seconds
    got = 0
    while time.monotonic() < deadline and got < n:
        time.sleep(0.2)
        try:
            got = len(rows(db))
        except sqlite3.Error:
            continue
    return got


def by_rel(db: Path, root: Path) -> dict[str, sqlite3.Row]:
    return {os.path.relpath(r["path"], root): r for r in rows(db)}


def comparable(db: Path, root: Path) -> dict[str, tuple]:
    """What must not depend on the executor: status, code, message, counts, findings, the full result."""
    con = sqlite3.connect(db)
    out = {}
    for rid, path, status, code, message, ne, nw, ni, result in con.execute(
            "SELECT id, path, status, error_code, error_message, n_error, n_warning, n_info, result_json "
            "FROM reports"):
        rules = [r for (r,) in con.execute("SELECT rule FROM findings WHERE report_id = ? ORDER BY seq", (rid,))]
        out[os.path.relpath(path, root)] = (status, code, message, ne, nw, ni, tuple(rules), result)
    con.close()
    return out


@pytest.fixture(scope="module")
def local_run(archive, tmp_path_factory):
    """One local batch over the whole archive with every test hook on (shared by several tests)."""
    mp = pytest.MonkeyPatch()
    for k, v in HOOKS.items():
        mp.setenv(k, v)
    try:
        out = tmp_path_factory.mktemp("local")
        db = out / "results.sqlite"
        t = time.monotonic()
        code, stdout = batch(archive, "--db", db, "--jobs", "2", "--jsonl", out / "r.jsonl", "--csv", out / "r.csv",
                             *FAST)
        return dict(code=code, stdout=stdout, db=db, out=out, seconds=time.monotonic() - t)
    finally:
        mp.undo()


def test_every_file_becomes_one_record(archive, local_run):
    assert local_run["code"] == 2, local_run["stdout"]
    recs = by_rel(local_run["db"], archive)
    assert set(recs) == set(EXPECTED), local_run["stdout"]
    for rel, want in EXPECTED.items():
        r = recs[rel]
        got = "ok" if r["status"] == "ok" else r["error_code"]
        assert got == want, (rel, got, r["error_message"])
        assert r["error_message"] or r["status"] == "ok"
        assert r["tool_version"] and r["rules_version"] and r["audited_at"] and r["result_json"]
    ok = recs["a/seed-docx.pdf"]
    assert ok["n_error"] > 0 and ok["report_number"] == "T410267-5" and ok["norm_text"]
    assert len(ok["sha256"]) == 64 and recs["c/COPY.PDF"]["sha256"] == ok["sha256"]
    assert recs["c/COPY.PDF"]["reused_from"] == ok["id"]   # identical content: audited once
    assert "no result within 6 s" in recs["slow/hang.pdf"]["error_message"]
    assert "SIGSEGV" in recs["slow/crash.pdf"]["error_message"]
    # findings rows mirror the result
    con = sqlite3.connect(local_run["db"])
    n, = con.execute("SELECT count(*) FROM findings WHERE report_id = ?", (ok["id"],)).fetchone()
    assert n == len(json.loads(ok["result_json"])["findings"])
    f = con.execute('SELECT rule, name, category, severity, message, "values", page, fingerprint, suppressed '
                    "FROM findings WHERE report_id = ? ORDER BY seq", (ok["id"],)).fetchone()
    assert f[0] and f[3] in ("error", "warning", "info") and isinstance(json.loads(f[5]), list) and f[7]
    con.close()


def test_summary_counts_each_outcome(local_run):
    out = local_run["stdout"]
    assert "12 files" in out
    for code in ("not-a-pdf", "empty", "encrypted", "unreadable", "timeout", "crashed", "out-of-memory"):
        assert code in out
    assert "identical copies" in out and "exit 2" in out
    assert "BAT001" in out and "BAT002" in out and "BAT003" in out and "BAT004" in out


def test_jsonl_and_csv(archive, local_run):
    lines = (local_run["out"] / "r.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(EXPECTED)
    results = [ReportResult.model_validate_json(x) for x in lines]
    assert {os.path.relpath(r.path, archive) for r in results} == set(EXPECTED)
    seed = next(r for r in results if r.path.endswith("a/seed-docx.pdf"))
    assert seed.status == "ok" and seed.findings and seed.summary.report_number == "T410267-5"
    assert "text" not in json.loads(lines[0]).get("summary") or {}
    with open(local_run["out"] / "r.csv", newline="", encoding="utf-8") as f:
        table = list(csv.DictReader(f))
    assert len(table) == len(EXPECTED)
    assert {"path", "sha256", "status", "error_code", "n_error", "n_warning", "n_info"} <= set(table[0])
    assert {r["outcome"] for r in table} == {"audited", "duplicate"}


def test_batch_findings_stored(archive, local_run):
    con = sqlite3.connect(local_run["db"])
    got = {code: json.loads(paths) for code, paths in con.execute("SELECT code, paths FROM batch_findings")}
    con.close()
    rel = {k: {os.path.relpath(p, archive) for p in v} for k, v in got.items()}
    assert rel["BAT001"] == {"a/seed-docx.pdf", "c/COPY.PDF", "a/b/seed-corrected-reportlab.pdf"}
    assert rel["BAT002"] == rel["BAT001"]
    assert rel["BAT003"] == rel["BAT001"]
    assert rel["BAT004"] == {"a/seed-docx.pdf", "c/COPY.PDF"}


def test_dask_matches_local(archive, local_run, tmp_path, hooks):
    pytest.importorskip("distributed", reason="dask.distributed is not installed (pip install '.[distributed]')")
    db = tmp_path / "dask.sqlite"
    code, out = batch(archive, "--db", db, "--executor", "dask", "--jobs", "2", *FAST)
    assert code == local_run["code"], out
    assert "(dask)" in out
    local, dask = comparable(local_run["db"], archive), comparable(db, archive)
    assert set(local) == set(dask)
    for rel in local:
        assert dask[rel] == local[rel], rel


def test_resume_audits_only_new_files(archive, tmp_path):
    db = tmp_path / "r.sqlite"
    code, out = batch(archive / "a", "--db", db, "--jobs", "2")
    first = by_rel(db, archive)
    assert set(first) == {"a/seed-docx.pdf", "a/b/seed-corrected-reportlab.pdf"}
    code, out = batch(archive / "a", archive / "c", archive / "junk", "--db", db, "--jobs", "2", "--jsonl",
                      tmp_path / "all.jsonl", "--csv", tmp_path / "all.csv")
    second = by_rel(db, archive)
    assert code == 2
    assert count(out, "resumed") == 3  # c/COPY.PDF too: its content is recorded (as a/seed-docx.pdf)
    for rel in first:  # not audited again: same row, same timestamp, first run
        assert second[rel]["audited_at"] == first[rel]["audited_at"] and second[rel]["run_id"] == 1
    new = set(second) - set(first)
    assert all(second[rel]["run_id"] == 2 for rel in new)
    # resumed files are still in this run's outputs
    assert len((tmp_path / "all.jsonl").read_text().splitlines()) == len(second)
    with open(tmp_path / "all.csv", newline="") as f:
        outcomes = {os.path.relpath(r["path"], archive): r["outcome"] for r in csv.DictReader(f)}
    assert outcomes["a/seed-docx.pdf"] == "resumed" and outcomes["c/deep/synth-7-wide-reportlab.pdf"] == "audited"
    assert outcomes["c/COPY.PDF"] == "resumed"
    # a third run audits nothing (but looks at the dangling link again); --no-resume audits everything again
    code, out = batch(archive / "a", archive / "c", archive / "junk", "--db", db, "--jobs", "2")
    assert count(out, "audited now") == 1 and count(out, "resumed") == 8
    code, out = batch(archive / "a", "--db", db, "--jobs", "2", "--no-resume")
    again = by_rel(db, archive)
    assert again["a/seed-docx.pdf"]["run_id"] == 4 and again["a/seed-docx.pdf"]["audited_at"] > \
        first["a/seed-docx.pdf"]["audited_at"]
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM reports").fetchone()[0] == len(second)  # replaced, not duplicated
    orphans = con.execute("SELECT count(*) FROM findings WHERE report_id NOT IN (SELECT id FROM reports)").fetchone()
    assert orphans[0] == 0
    con.close()


def test_transient_errors_are_retried_on_resume(archive, local_run, tmp_path):
    db = tmp_path / "copy.sqlite"
    shutil.copy(local_run["db"], db)
    code, out = batch(archive / "slow", "--db", db, "--jobs", "2")  # hooks off now
    recs = by_rel(db, archive)
    assert {recs[r]["status"] for r in ("slow/hang.pdf", "slow/crash.pdf", "slow/oom.pdf")} == {"ok"}


def test_interrupted_run_resumes(archive, tmp_path):
    """Kill a running batch (SIGKILL, while a worker hangs), rerun: nothing audited twice, every file recorded."""
    folder = tmp_path / "arch"
    for i, src in enumerate(["seed-corrected-reportlab.pdf", "synth-7-wide-reportlab.pdf", "synth-3-seed-reportlab.pdf",
                             "seed-reportlab.pdf", "synth-7-wide-html.pdf"]):
        (folder / f"d{i}").mkdir(parents=True)
        shutil.copy(FIXTURES / src, folder / f"d{i}" / ("m-hang.pdf" if i == 2 else f"r{i}.pdf"))
    db = tmp_path / "kill.sqlite"
    env = dict(os.environ, AUDITOR_TEST_HANG_ON="m-hang.pdf")
    cmd = [sys.executable, "-m", "auditor.cli", "batch", str(folder), "--db", str(db), "--jobs", "1",
           "--timeout-per-file", "120", "--no-progress"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        n = wait_for_records(db, 2)
        time.sleep(0.5)  # the worker is now hanging on d2/m-hang.pdf
        assert proc.poll() is None and n == 2
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    first = {r["path"]: r["audited_at"] for r in rows(db)}
    assert len(first) == 2
    # the hung worker died with its parent
    time.sleep(0.5)
    survivors = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                if str(db).encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                    survivors.append(pid)
            except OSError:
                pass
    assert not survivors
    code, out = batch(folder, "--db", db, "--jobs", "2")  # no hang now
    recs = rows(db)
    assert len(recs) == 5
    assert {r["path"]: r["audited_at"] for r in recs if r["path"] in first} == first
    assert count(out, "resumed") == 2 and count(out, "audited now") == 3


def test_exit_codes(archive, tmp_path):
    db = tmp_path / "e.sqlite"
    clean = tmp_path / "clean"
    clean.mkdir()
    shutil.copy(FIXTURES / "seed-corrected-reportlab.pdf", clean / "a.pdf")
    shutil.copy(FIXTURES / "synth-7-wide-reportlab.pdf", clean / "b.pdf")
    code, out = batch(clean, "--db", db, "--jobs", "2")
    assert code == 0, out
    code, out = batch(clean, archive / "a/seed-docx.pdf", "--db", db, "--jobs", "2")
    assert code == 1, out                                # seed-docx has errors
    code, out = batch(clean, archive / "a/seed-docx.pdf", "--db", db, "--fail-on", "never")
    assert code == 0, out
    code, out = batch(clean, tmp_path / "missing.pdf", "--db", db)
    assert code == 2 and "not-found" in out
    empty = tmp_path / "nothing"
    empty.mkdir()
    code, out = batch(empty, "--db", db)
    assert code == 2 and "holds no PDF" in out


def test_not_a_results_database(tmp_path):
    db = tmp_path / "bad.sqlite"
    db.write_text("not sqlite")
    code, out = batch(FIXTURES / "seed-corrected-reportlab.pdf", "--db", db)
    assert code == 2


# ---------------------------------------------------------------- cross-report checks, without PDFs

def _entry(path, sha, number=None, product="P", model="M", total="10.0", factors=("e=0.5",), text="",
           unit="kgCO2e"):
    from auditor.batch.crosscheck import Entry

    return Entry(path=path, sha256=sha, report_number=number, product=product, model=model, total=total,
                 total_unit=unit, factors=list(factors), text=text)


def _chunk(rng, n: int = 200) -> str:
    """n random CJK characters with a few numbers, like normalised report prose."""
    out = []
    while len(out) < n:
        out.append(chr(rng.randint(0x4E00, 0x9FA5)) if rng.random() > 0.1 else str(rng.randint(0, 99)))
    return "".join(out)


_TEMPLATE = None


def _text(seed: int) -> str:
    """A report from one template: 14 shared chunks and 3 of its own (about as alike as two real reports from
    one verifier, ~82%)."""
    import random

    global _TEMPLATE
    if _TEMPLATE is None:
        rng = random.Random(0)
        _TEMPLATE = [_chunk(rng) for _ in range(14)]
    rng = random.Random(seed + 1)
    own = [_chunk(rng) for _ in range(3)]
    return "".join(_TEMPLATE[:3] + own[:1] + _TEMPLATE[3:8] + own[1:] + _TEMPLATE[8:])


def _renumber(text: str, seed: int) -> str:
    """The same text with every number changed (a copy with new values)."""
    import random

    rng = random.Random(seed)
    return re.sub(r"\d+", lambda m: str(rng.randint(100, 999)), text)


def test_crosscheck_rules():
    from auditor.batch.crosscheck import crosscheck

    base = _text(1)
    near = _renumber(base, 7)                  # every number differs
    other = _text(2)
    entries = [
        _entry("/a.pdf", "s1", "N-1", total="10.0", text=base),
        _entry("/b.pdf", "s2", "N-1", total="25.0", text=near),           # same number, near-dup, 2.5x total
        _entry("/c.pdf", "s3", "N-2", product="Q", total="10.0", text=other),
        _entry("/d.pdf", "s3", "N-2", product="Q", total="10.0", text=other),  # identical file
        _entry("/e.pdf", "s5", "N-5", product="R", text=_text(3)),
    ]
    got = {f.code: f for f in crosscheck(entries)}
    assert set(got) == {"BAT001", "BAT002", "BAT003", "BAT004"}
    assert got["BAT001"].paths == ["/a.pdf", "/b.pdf"]
    assert sorted(got["BAT002"].paths) == ["/a.pdf", "/b.pdf"] and "totals" in got["BAT002"].message
    assert sorted(got["BAT003"].paths) == ["/a.pdf", "/b.pdf"] and "2.5x" in got["BAT003"].message
    assert got["BAT004"].paths == ["/c.pdf", "/d.pdf"]
    # identical copies are not "different reports"; near-identical with the same values is not a finding
    quiet = crosscheck([_entry("/a.pdf", "s1", "N-1", text=base), _entry("/b.pdf", "s2", "N-9", text=near)])
    assert quiet == []
    # totals are compared in kg: 1.0 tCO2e is 1000 kgCO2e
    assert crosscheck([_entry("/t.pdf", "t1", total="1.0", unit="tCO2e"), _entry("/k.pdf", "k1", total="1000")]) == []
    far = crosscheck([_entry("/t.pdf", "t1", total="1.0", unit="tCO2e"), _entry("/k.pdf", "k1", total="1.0")])
    assert [f.code for f in far] == ["BAT003"] and "1000.0x" in far[0].message


def test_near_duplicates_scale():
    """Hundreds of reports from one template: only candidates sharing a MinHash band are compared, and only
    the near-copies are grouped (the template's own likeness, ~85%, is not a near-duplicate)."""
    from rapidfuzz import fuzz

    from auditor.batch.crosscheck import near_duplicate_clusters

    texts = [_text(i) for i in range(400)]
    assert 78 < fuzz.ratio(texts[0], texts[1]) < 90
    texts += [_renumber(t, i) for i, t in enumerate(texts[:20])]   # 20 copies with new numbers
    calls = []
    real_ratio = fuzz.ratio

    def counting_ratio(*a, **kw):
        calls.append(1)
        return real_ratio(*a, **kw)

    fuzz.ratio = counting_ratio
    try:
        clusters = near_duplicate_clusters(texts)
    finally:
        fuzz.ratio = real_ratio
    # the behaviour the old wall-clock bound stood for: no all-pairs comparison (420 texts: 87,990 pairs)
    assert len(calls) < 5 * len(texts), len(calls)
    assert sorted(tuple(c) for c, _ in clusters) == [(i, 400 + i) for i in range(20)]


# ---------------------------------------------------------------- summary, outputs, locking

def test_summary_lists_failed_files(tmp_path, monkeypatch):
    """Failed files are named (path, code, message): the first twenty, then where to find the rest; 80 columns."""
    monkeypatch.chdir(tmp_path)  # paths under the working folder are shown relative
    folder = tmp_path / "bad"
    folder.mkdir()
    for i in range(23):
        (folder / f"not-a-report-{i:02d}.pdf").write_text(f"not a PDF {i}\n")
    shutil.copy(FIXTURES / "seed-corrected-reportlab.pdf", folder / "good.pdf")
    code, out = batch(folder, "--db", "s.sqlite", "--jobs", "2")
    assert code == 2
    assert "failed files (23):" in out
    listed = [ln for ln in out.splitlines() if "not-a-report-" in ln]
    assert len(listed) == 20 and all("not-a-pdf" in ln for ln in listed)
    assert "good.pdf" not in out
    assert "and 3 more" in out and "SELECT path, error_code, error_message FROM reports" in out
    assert all(len(ln) <= 80 for ln in out.splitlines()), max(out.splitlines(), key=len)


def test_output_that_is_an_input_is_refused(tmp_path):
    r = tmp_path / "r.pdf"
    shutil.copy(FIXTURES / "seed-corrected-reportlab.pdf", r)
    before = r.read_bytes()
    res = runner.invoke(app, ["batch", "--no-progress", str(r), "--jsonl", str(r), "--db", str(tmp_path / "o.sqlite")])
    assert res.exit_code == 2
    assert "auditor: --jsonl" in res.stderr and "one of the inputs" in res.stderr
    assert r.read_bytes() == before
    assert not (tmp_path / "o.sqlite").exists()


def test_second_batch_on_the_same_db_refuses(tmp_path):
    """A batch holds an exclusive lock on <db>.lock; another batch on that database refuses (exit 2, one line)."""
    import fcntl

    r = tmp_path / "r.pdf"
    shutil.copy(FIXTURES / "seed-corrected-reportlab.pdf", r)
    db = tmp_path / "l.sqlite"
    with open(f"{db}.lock", "a") as held:      # stands for a first batch still running
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        res = runner.invoke(app, ["batch", "--no-progress", str(r), "--db", str(db)])
        assert res.exit_code == 2
        lines = res.stderr.strip().splitlines()
        assert len(lines) == 1 and "another batch is running on" in lines[0]
        assert not db.exists() or not rows(db)
    code, out = batch(r, "--db", db)           # the lock released: it runs
    assert code == 0 and count(out, "audited now") == 1


def test_ctrl_c_summary_says_outputs_not_written(tmp_path):
    """SIGINT mid-batch: exit 130, the summary says --jsonl/--csv were not written, and no such file exists."""
    folder = tmp_path / "arch"
    folder.mkdir()
    for i, src in enumerate(["seed-corrected-reportlab.pdf", "synth-7-wide-reportlab.pdf",
                             "synth-3-seed-reportlab.pdf"]):
        shutil.copy(FIXTURES / src, folder / ("z-hang.pdf" if i == 2 else f"r{i}.pdf"))
    db, jl, cv = tmp_path / "int.sqlite", tmp_path / "out.jsonl", tmp_path / "out.csv"
    env = dict(os.environ, AUDITOR_TEST_HANG_ON="z-hang.pdf")
    cmd = [sys.executable, "-m", "auditor.cli", "batch", str(folder), "--db", str(db), "--jobs", "1",
           "--jsonl", str(jl), "--csv", str(cv), "--timeout-per-file", "120", "--no-progress"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        n = wait_for_records(db, 2)
        assert proc.poll() is None and n == 2    # now hanging on z-hang.pdf
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, (out, err)
    assert "INTERRUPTED" in out
    assert f"jsonl: {jl} (NOT written" in out and f"csv: {cv} (NOT written" in out
    assert not jl.exists() and not cv.exists()
    assert "Traceback" not in err


def test_ctrl_c_with_dask_is_quiet(tmp_path):
    """Ctrl-C in a terminal signals the whole process group: the Dask cluster stops without tracebacks, exit 130."""
    pytest.importorskip("distributed")
    folder = tmp_path / "arch"
    folder.mkdir()
    shutil.copy(FIXTURES / "seed-corrected-reportlab.pdf", folder / "a.pdf")
    shutil.copy(FIXTURES / "synth-3-seed-reportlab.pdf", folder / "z-hang.pdf")
    db = tmp_path / "dask-int.sqlite"
    env = dict(os.environ, AUDITOR_TEST_HANG_ON="z-hang.pdf")
    cmd = [sys.executable, "-m", "auditor.cli", "batch", str(folder), "--db", str(db), "--jobs", "1",
           "--executor", "dask", "--timeout-per-file", "120", "--no-progress"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        n = wait_for_records(db, 1, seconds=90)
        assert proc.poll() is None and n == 1    # now hanging on z-hang.pdf
        time.sleep(0.5)
        os.killpg(proc.pid, signal.SIGINT)       # what a terminal's Ctrl-C does
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130, (out, err)
    assert "INTERRUPTED" in out
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
