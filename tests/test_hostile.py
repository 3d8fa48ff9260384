"""Hostile and broken input through the real CLI, each run under a 2 GiB address-space cap and a 60 s limit:
exit code, JSON record, one clear line on stderr, no traceback (fixtures/hostile.py builds the files)."""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fixtures import hostile

ROOT = Path(__file__).resolve().parent.parent
CAP = 2 * 1024 ** 3          # `ulimit -v 2097152`
LIMIT_S = 60

# name -> (exit code, status, error code or the rule of the finding, words the stderr line must hold)
CASES = {
    "empty.pdf": (2, "error", "empty", ["empty file"]),
    "random.pdf": (2, "error", "not-a-pdf", ["not a PDF"]),
    "truncated.pdf": (2, "error", "truncated", ["truncated"]),
    "header-only.pdf": (2, "error", "truncated", ["nothing after it"]),
    "page.html.pdf": (2, "error", "not-a-pdf", ["HTML"]),
    "image.png.pdf": (2, "error", "not-a-pdf", ["PNG image"]),
    "encrypted.pdf": (2, "error", "encrypted", ["--password"]),
    "bomb.pdf": (2, "error", "stream-too-large", ["decompression bomb", "limits.max_stream_mb"]),
    "loop.pdf": (2, "error", "unreadable", ["page tree"]),
    "blank-3000.pdf": (2, "error", "too-many-pages", ["3,000 pages", "limits.max_pages"]),
    "not-a-report.pdf": (1, "ok", "EXT001", ["no carbon-footprint report found"]),
}


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("hostile")
    hostile.write_all(d)
    # a configuration here stops the search for one in the folders above (the defaults are under test); the words
    # checked are English ones, whatever language a report is in
    (d / "auditor.toml").write_text('lang = "en"\n', encoding="utf-8")
    return d


def _cap():
    resource.setrlimit(resource.RLIMIT_AS, (CAP, CAP))


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None) -> tuple[int, str, str, float]:
    exe = [sys.executable, "-m", "auditor"]
    t = time.perf_counter()
    p = subprocess.run([*exe, *args], capture_output=True, text=True, timeout=LIMIT_S + 30, preexec_fn=_cap,
                       cwd=cwd or ROOT, env={**os.environ, "NO_COLOR": "1", **(env or {})})
    return p.returncode, p.stdout, p.stderr, time.perf_counter() - t


def only_report(stdout: str) -> dict:
    reports = json.loads(stdout)["reports"]
    assert len(reports) == 1
    return reports[0]


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_input(files, name):
    want_exit, want_status, want_code, words = CASES[name]
    path = files / name
    code, out, err, seconds = run_cli("check", str(path), "--format", "json", cwd=files)
    assert seconds < LIMIT_S, f"{name} took {seconds:.1f} s"
    assert "Traceback" not in err and "Traceback" not in out
    assert code == want_exit, (code, err)
    rec = only_report(out)
    assert rec["status"] == want_status
    if want_status == "error":
        assert rec["error"]["code"] == want_code
        assert rec["error"]["message"] and "\n" not in rec["error"]["message"]
    else:
        assert [f["rule"] for f in rec["findings"] if f["severity"] == "error"] == [want_code]
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"auditor: {path}: ")
    for w in words:
        assert w in lines[0], lines[0]


def test_password_opens_the_encrypted_report(files):
    code, out, err, _ = run_cli("check", str(files / "encrypted.pdf"), "--format", "json",
                                "--password", hostile.PASSWORD)
    rec = only_report(out)
    assert rec["status"] == "ok" and code == 1 and err == ""
    assert "ARI004" in {f["rule"] for f in rec["findings"]}     # the seed's 81.9886 vs 81.9386


def test_password_from_the_environment(files):
    code, out, _, _ = run_cli("check", str(files / "encrypted.pdf"), "--format", "json",
                              env={"AUDITOR_PDF_PASSWORD": hostile.PASSWORD})
    assert only_report(out)["status"] == "ok"


def test_wrong_password_says_so(files):
    code, out, err, _ = run_cli("check", str(files / "encrypted.pdf"), "--format", "json", "--password", "nope")
    assert code == 2 and only_report(out)["error"]["code"] == "encrypted"
    assert "password given does not open it" in err


def test_limits_come_from_config(files, tmp_path):
    """3000 blank pages pass a raised page limit and are read (fast: no text, nothing drawn), then reported as
    holding nothing to verify; a tiny time limit stops an ordinary report."""
    (tmp_path / "auditor.toml").write_text('lang = "en"\n[limits]\nmax-pages = 5000\n', encoding="utf-8")
    code, out, err, seconds = run_cli("check", str(files / "blank-3000.pdf"), "--format", "json", cwd=tmp_path)
    rec = only_report(out)
    assert code == 1 and rec["status"] == "ok" and rec["coverage"]["pages"] == 3000
    assert "3,000 of 3,000 pages have no text layer" in err
    assert seconds < LIMIT_S

    (tmp_path / "auditor.toml").write_text("[limits]\ntimeout_s = 0.001\n", encoding="utf-8")
    code, out, err, _ = run_cli("check", str(ROOT / "fixtures/pdf/seed-docx.pdf"), "--format", "json",
                                cwd=tmp_path)
    assert code == 2 and only_report(out)["error"]["code"] == "timeout"
    assert "limits.timeout_s" in err and "Traceback" not in err


def test_a_small_stream_limit_refuses_an_ordinary_file(tmp_path):
    (tmp_path / "auditor.toml").write_text("[limits]\nmax_stream_mb = 0.001\n", encoding="utf-8")
    code, out, err, _ = run_cli("check", str(ROOT / "fixtures/pdf/seed-docx.pdf"), "--format", "json",
                                cwd=tmp_path)
    assert code == 2 and only_report(out)["error"]["code"] == "stream-too-large"


def test_extract_gives_one_line_too(files):
    for name in ("bomb.pdf", "encrypted.pdf", "page.html.pdf"):
        code, out, err, _ = run_cli("extract", str(files / name))
        assert code == 2 and out == "" and "Traceback" not in err
        assert len(err.strip().splitlines()) == 1


def test_batch_records_every_hostile_file(files, tmp_path):
    db = tmp_path / "r.sqlite"
    code, out, err, seconds = run_cli("batch", str(files), "--db", str(db), "--jobs", "2", "--no-progress",
                                      cwd=files)
    assert code == 2 and "Traceback" not in err + out
    import sqlite3

    con = sqlite3.connect(db)
    got = {Path(p).name: (s, c) for p, s, c in con.execute("select path, status, error_code from reports")}
    con.close()
    assert set(got) == set(CASES)
    for name, (_, status, want, _) in CASES.items():
        assert got[name][0] == status
        if status == "error":
            assert got[name][1] == want, name


def test_internal_error_is_one_line_without_debug(monkeypatch, capsys):
    from auditor.cli import commands as cli

    def boom():
        raise RuntimeError("something\nbroke")

    monkeypatch.setattr(cli, "app", boom)
    monkeypatch.setattr(sys, "argv", ["auditor", "check", "x.pdf"])
    monkeypatch.delenv("AUDITOR_DEBUG", raising=False)
    with pytest.raises(SystemExit) as e:
        cli.main()
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error: RuntimeError: something broke" in err and "--debug" in err
    monkeypatch.setattr(sys, "argv", ["auditor", "--debug", "check", "x.pdf"])
    with pytest.raises(RuntimeError):
        cli.main()


def test_stream_measure_stops_at_the_end_of_the_zlib_data():
    """Bytes after a stream's zlib data (a stray byte before `endstream`) once made the measuring loop spin."""
    import zlib

    from auditor.read.guard import _inflated_size

    data = zlib.compress(b"x" * 3_000_000) + b"\n"
    assert _inflated_size(memoryview(data), 1 << 30) == 3_000_000
    assert _inflated_size(memoryview(data), 1000) > 1000
    assert _inflated_size(memoryview(b"\xff\xd8\xff\xe0 not zlib"), 1 << 30) == 0
