"""`auditor check` shows progress on stderr when stderr is a terminal, and nothing when it is piped."""
from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import threading

from tests.conftest import FIXTURES, ROOT

SEED = str(FIXTURES / "seed-docx.pdf")


def _cmd(*args):
    return [sys.executable, "-m", "auditor.cli", "check", SEED, *args]


def test_progress_on_a_terminal():
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen(_cmd("--format", "json"), cwd=ROOT, stdout=subprocess.PIPE, stderr=slave)
        os.close(slave)
        # stdout is read beside the terminal: a JSON larger than the pipe's buffer (64 KiB) would otherwise block
        # the child on its write while this reads the terminal to its end
        outs: list[bytes] = []
        reader = threading.Thread(target=lambda: outs.append(proc.stdout.read()))
        reader.start()
        chunks = []
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:   # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        reader.join(timeout=120)
        out = b"".join(outs)
        proc.wait(timeout=120)
    finally:
        os.close(master)
    err = b"".join(chunks).decode("utf-8", "replace")
    assert "seed-docx.pdf: reading page" in err and "13/13" in err
    assert "applying the rules" in err
    assert json.loads(out)["reports"][0]["path"].endswith("seed-docx.pdf")   # stdout JSON untouched


def test_no_progress_when_piped():
    res = subprocess.run(_cmd("--format", "json"), cwd=ROOT, capture_output=True, timeout=120)
    assert res.stderr == b""
    json.loads(res.stdout)
    res = subprocess.run(_cmd(), cwd=ROOT, capture_output=True, timeout=120)
    assert b"reading page" not in res.stderr and b"reading page" not in res.stdout


def test_progress_callback_of_the_library():
    from auditor.api import audit

    seen = []
    audit(SEED, progress=lambda stage, done, total: seen.append((stage, done, total)))
    reading = [s for s in seen if s[0] == "reading"]
    assert reading == [("reading", i, 13) for i in range(1, 14)]
    assert seen[-2:] == [("rules", 0, None), ("done", 0, None)]
