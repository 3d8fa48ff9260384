"""What a new user hit on the command line (issue 12): outputs that replaced the report, selectors that ran no
rule, user mistakes reported as bugs, help texts showing Python internals. Every test runs the real CLI."""
from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "fixtures" / "pdf" / "seed-docx.pdf"
CLEAN = ROOT / "fixtures" / "pdf" / "seed-corrected-docx.pdf"


def run(*args, cwd=None, env=None):
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run([sys.executable, "-m", "auditor", *map(str, args)], capture_output=True, text=True,
                       cwd=cwd, env=e, timeout=120)
    return p.returncode, p.stdout, p.stderr


def digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.fixture()
def report(tmp_path) -> Path:
    r = tmp_path / "r.pdf"
    r.write_bytes(SEED.read_bytes())
    (tmp_path / "auditor.toml").write_text("")   # no configuration from a folder above
    return r


# 1. no output replaces an input or an existing PDF

@pytest.mark.parametrize("args", [
    ["--format", "json", "-o", "r.pdf"],
    ["--write-baseline", "r.pdf"],
    ["-o", "./sub/../r.pdf"],
    ["-o", "link.pdf"],            # the same file under another name
    ["-o", "other.pdf"],           # an existing PDF that is not an input
])
def test_output_never_replaces_an_input_or_a_pdf(report, args):
    (report.parent / "sub").mkdir()
    (report.parent / "link.pdf").symlink_to(report)
    other = report.parent / "other.pdf"
    other.write_bytes(CLEAN.read_bytes())
    before = {p: digest(p) for p in (report, other)}
    code, out, err = run("check", "r.pdf", *args, cwd=report.parent)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "refusing to overwrite" in err
    assert "internal error" not in err
    assert {p: digest(p) for p in (report, other)} == before


def test_outputs_are_written_atomically(tmp_path):
    from auditor.outpaths import atomic_open, atomic_write_text

    target = tmp_path / "out.json"
    atomic_write_text(target, "good")
    with pytest.raises(KeyboardInterrupt):
        with atomic_open(target) as fh:
            fh.write("half of a new fi")
            raise KeyboardInterrupt
    assert target.read_text() == "good"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]   # no temporary file left behind


def test_output_and_baseline_written(report):
    code, out, err = run("check", "r.pdf", "--format", "json", "-o", "out.json", "--write-baseline", "base.json",
                         cwd=report.parent)
    assert code == 1
    assert json.loads((report.parent / "out.json").read_text())["reports"][0]["status"] == "ok"
    assert json.loads((report.parent / "base.json").read_text())["reports"][0]["findings"]
    # writing again over our own outputs is fine (they are no PDFs and no inputs)
    assert run("check", "r.pdf", "-f", "json", "-o", "out.json", cwd=report.parent)[0] == 1


# 2. a selector that names no rule is bad usage

@pytest.mark.parametrize("args", [["--select", "arithmatic"], ["--select", "NOPE"], ["--ignore", "NOPE"],
                                  ["--select", "ARI001,NOPE"]])
def test_unknown_selector_is_usage_error(report, args):
    code, out, err = run("check", "r.pdf", *args, cwd=report.parent)
    assert code == 2
    assert "names no rule" in err and "0 errors" not in out
    assert "NOPE" in err or "did you mean arithmetic" in err


def test_unknown_selector_in_batch(report):
    code, out, err = run("batch", "r.pdf", "--db", "x.sqlite", "--select", "arithmatic", cwd=report.parent)
    assert code == 2 and "names no rule" in err
    assert not (report.parent / "x.sqlite").exists()


def test_known_selectors_still_work(report):
    code, out, _ = run("check", "r.pdf", "--select", "arithmetic", "-f", "json", cwd=report.parent)
    rules = {f["rule"] for f in json.loads(out)["reports"][0]["findings"]}
    assert code == 1 and rules and all(r.startswith("ARI") for r in rules)


# 4. user mistakes are usage errors with a plain message, not internal errors

@pytest.mark.parametrize("target, words", [("/nonexistent/dir/out.json", "does not exist"),
                                           (".", "is a folder")])
def test_bad_output_path_is_usage_error(report, target, words):
    code, out, err = run("check", "r.pdf", "-o", target, cwd=report.parent)
    assert code == 2 and words in err
    assert "internal error" not in err and "please report" not in err


# 5. --annotate fails loudly where it cannot write, and says where the copies went

@pytest.mark.parametrize("dest, words", [(".", "holds the input"), ("r.pdf", "is a file, not a folder")])
def test_annotate_refuses_to_overwrite(report, dest, words):
    before = digest(report)
    code, out, err = run("check", str(CLEAN), "r.pdf", "--annotate", dest, cwd=report.parent)
    assert code == 2 and words in err
    assert digest(report) == before


def test_annotate_on_a_clean_report_says_where(report, tmp_path):
    clean = tmp_path / "clean.pdf"
    clean.write_bytes(CLEAN.read_bytes())
    code, out, err = run("check", "clean.pdf", "--annotate", "out", cwd=tmp_path)
    assert code == 0, err
    assert "annotated 1 copy in out" in err and (tmp_path / "out" / "clean.pdf").is_file()
    assert run("check", "clean.pdf", "--annotate", "out", cwd=tmp_path)[0] == 0   # our own copy is replaced
    (tmp_path / "out" / "clean.pdf").write_bytes(SEED.read_bytes())                # a foreign PDF is not
    code, out, err = run("check", "clean.pdf", "--annotate", "out", cwd=tmp_path)
    assert code == 2 and "not an annotated copy" in err


# 6. a readable PDF that is no PCF report is said to be so, not "not audited"

def test_not_a_report_stderr(tmp_path):
    from fixtures.hostile import not_a_report_pdf

    p = tmp_path / "minutes.pdf"
    p.write_bytes(not_a_report_pdf())
    (tmp_path / "auditor.toml").write_text('lang = "en"\n', encoding="utf-8")   # the words checked are English
    code, out, err = run("check", p, "-f", "json", cwd=tmp_path)
    assert code == 1 and json.loads(out)["reports"][0]["status"] == "ok"
    assert "no carbon-footprint report found" in err and "not audited" not in err


# 14. first contact

def test_version():
    from auditor.version import __version__

    code, out, err = run("--version")
    assert code == 0 and out.strip() == f"auditor {__version__}"


def test_readme_says_how_to_run_it():
    text = (ROOT / "README.md").read_text()
    quick = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert ".venv/bin/auditor" in quick and "activate" in quick


def test_demo_ends_with_a_sentence_not_a_make_error():
    recipe = (ROOT / "Makefile").read_text().split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    assert "\t-" not in recipe   # an ignored error is what printed "make: [...] Error 1 (ignored)"
    assert "Done:" in recipe


# 15. no internals in help, configuration errors or the Python API

@pytest.mark.parametrize("cmd", ["check", "batch", "extract", "rules", "explain", "schema"])
def test_help_shows_no_python_types(cmd):
    code, out, err = run(cmd, "--help", env={"COLUMNS": "100"})
    assert code == 0
    for internal in ("<list[", "<str>", "<path>", "<int>", "<float>", "{paths}", "{path}", "<Path", " range "):
        assert internal not in out, f"{cmd} --help shows {internal}"


def test_configuration_error_is_plain(report):
    (report.parent / "auditor.toml").write_text('fail_on = "bad"\nselect = 3\n')
    code, out, err = run("check", "r.pdf", cwd=report.parent)
    assert code == 2
    assert "fail_on" in err and "select" in err and "'bad'" in err
    assert "pydantic" not in err and "type=" not in err and len(err.strip().splitlines()) == 1


def test_missing_file_is_not_found_in_api_and_cli(tmp_path):
    from auditor import audit

    assert audit(tmp_path / "nope.pdf").error.code == "not-found"
    code, out, err = run("check", tmp_path / "nope.pdf", "-f", "json")
    assert code == 2 and json.loads(out)["reports"][0]["error"]["code"] == "not-found"


def test_readme_render_example_runs(tmp_path, monkeypatch):
    text = (ROOT / "README.md").read_text()
    block = re.search(r"To render any format from Python:\s*```python\n(.*?)```", text, re.S)
    assert block, "README lost its render example"
    monkeypatch.chdir(tmp_path)
    (tmp_path / "report.pdf").write_bytes(CLEAN.read_bytes())
    ns: dict = {}
    exec(block.group(1), ns)
    assert "<html" in ns["html"].lower()


def test_counts_are_said_with_plurals(report):
    code, out, err = run("check", "r.pdf", "-q", cwd=report.parent)
    assert "1 factor table on" in out and "1 factor tables" not in out
    from auditor.i18n import t

    assert (t("out.n-pages", "en", n=0), t("out.n-pages", "en", n=1), t("out.n-rows", "en", n=2)) == \
        ("0 pages", "1 page", "2 results rows")
    assert t("out.n-pages", "zh", n=2) == "2 页"


def test_annotate_inside_a_searched_folder_is_refused(tmp_path):
    """Copies inside a folder that is searched for reports would be audited as reports by the next run."""
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "clean.pdf").write_bytes(CLEAN.read_bytes())
    code, out, err = run("check", "reports", "--annotate", "reports/annotated", cwd=tmp_path)
    assert code == 2 and "searched for reports" in err
    assert not (reports / "annotated").exists()
    assert run("check", "reports", "--annotate", "annotated", cwd=tmp_path)[0] == 0
