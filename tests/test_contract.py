"""The stable contract of `auditor check`: flags, exit codes, and the JSON shape other tools read."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from auditor.cli import app
from auditor.model import AuditOutput
from tests.conftest import FIXTURES

runner = CliRunner()
SEED = str(FIXTURES / "seed-reportlab.pdf")
CLEAN = str(FIXTURES / "seed-corrected-reportlab.pdf")
CATEGORIES = {"arithmetic", "percentage", "factor", "boundary", "consistency", "extraction", "internal"}


def run(*args):
    res = runner.invoke(app, list(args))
    return res.exit_code, res.stdout


@pytest.fixture(scope="module")
def seed_json():
    code, out = run("check", SEED, "--format", "json")
    return code, json.loads(out)


def test_json_shape(seed_json):
    code, doc = seed_json
    assert code == 1
    assert doc["schema_version"] == 1
    rep = doc["reports"][0]
    assert set(rep) >= {"path", "sha256", "status", "error", "findings", "counts"}
    assert rep["status"] == "ok" and rep["error"] is None and len(rep["sha256"]) == 64
    assert rep["findings"]
    for f in rep["findings"]:
        assert set(f) >= {"rule", "name", "category", "severity", "message", "values", "expected", "evidence",
                          "location"}
        assert f["category"] in CATEGORIES
        assert f["severity"] in ("error", "warning", "info")
        assert all(isinstance(v, str) for v in f["values"])
        assert f["location"] is None or (f["location"]["page"] >= 1 and (
            f["location"]["bbox"] is None or len(f["location"]["bbox"]) == 4))
    counted = {s: sum(1 for f in rep["findings"] if f["severity"] == s) for s in ("error", "warning", "info")}
    assert rep["counts"] == counted


def test_json_validates_against_published_schema(seed_json):
    _, doc = seed_json
    code, out = run("schema", "findings")
    assert code == 0
    jsonschema.validate(doc, json.loads(out))
    AuditOutput.model_validate(doc)


def test_report_schema_is_published():
    code, out = run("schema", "report")
    assert code == 0
    schema = json.loads(out)
    assert "inventory" in schema["properties"] and "Quantity" in json.dumps(schema)


@pytest.mark.parametrize("fail_on,expected", [("error", 1), ("warning", 1), ("info", 1), ("never", 0)])
def test_exit_codes_on_seed(fail_on, expected):
    code, _ = run("check", SEED, "--format", "json", "--fail-on", fail_on)
    assert code == expected


def test_clean_report_exits_zero_at_error_gate():
    code, out = run("check", CLEAN, "--format", "json")
    assert code == 0
    assert json.loads(out)["reports"][0]["counts"]["error"] == 0


def test_bad_inputs_are_recorded_with_exit_2(tmp_path: Path):
    text = tmp_path / "notes.pdf"
    text.write_text("this is not a pdf")
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes((FIXTURES / "seed-reportlab.pdf").read_bytes()[:1500])
    missing = tmp_path / "missing.pdf"
    code, out = run("check", str(text), str(empty), str(truncated), str(missing), SEED, "--format", "json")
    assert code == 2
    reps = {Path(r["path"]).name: r for r in json.loads(out)["reports"]}
    assert reps["notes.pdf"]["status"] == "error" and reps["notes.pdf"]["error"]["code"] == "not-a-pdf"
    assert reps["empty.pdf"]["error"]["code"] == "empty"
    assert reps["truncated.pdf"]["status"] == "error" and reps["truncated.pdf"]["error"]["message"]
    assert reps["missing.pdf"]["error"]["code"] == "not-found"
    assert reps["seed-reportlab.pdf"]["status"] == "ok"   # one bad file does not stop the others


def test_encrypted_pdf(tmp_path: Path):
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(SEED)
    writer = pypdf.PdfWriter()
    for p in reader.pages:
        writer.add_page(p)
    writer.encrypt("secret")
    enc = tmp_path / "locked.pdf"
    with open(enc, "wb") as fh:
        writer.write(fh)
    code, out = run("check", str(enc), "--format", "json")
    assert code == 2
    rep = json.loads(out)["reports"][0]
    assert rep["status"] == "error" and rep["error"]["code"] == "encrypted"


def test_pdf_that_is_not_a_pcf_report(tmp_path: Path):
    from reportlab.pdfgen import canvas

    p = tmp_path / "invoice.pdf"
    c = canvas.Canvas(str(p))
    c.drawString(72, 720, "Invoice 2024-17: 3 chairs, total 450.00 EUR")
    c.save()
    code, out = run("check", str(p), "--format", "json")
    rep = json.loads(out)["reports"][0]
    assert rep["status"] == "ok"
    assert any(f["rule"] == "EXT001" and f["severity"] == "error" for f in rep["findings"])
    assert "nothing to verify" in json.dumps(rep, ensure_ascii=False)
    assert code == 1


def test_text_format_groups_by_severity():
    code, out = run("check", SEED)
    assert code == 1
    assert out.index("Errors") < out.index("Warnings")
    assert "81.9886" in out and "expected 81.9386" in out
    assert "ARI004 quoted-value-mismatch  p." in out


def test_output_file(tmp_path: Path):
    target = tmp_path / "out.json"
    code, out = run("check", SEED, "--format", "json", "--output", str(target))
    assert code == 1 and out == ""
    assert json.loads(target.read_text())["reports"][0]["status"] == "ok"


def test_folder_is_walked(tmp_path: Path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    shutil.copy(SEED, tmp_path / "a" / "b" / "one.PDF")
    shutil.copy(CLEAN, tmp_path / "a" / "two.pdf")
    (tmp_path / "a" / "readme.txt").write_text("x")
    code, out = run("check", str(tmp_path), "--format", "json", "--fail-on", "never")
    names = sorted(Path(r["path"]).name for r in json.loads(out)["reports"])
    assert names == ["one.PDF", "two.pdf"] and code == 0


def test_bad_usage_exit_2():
    code, _ = run("check", SEED, "--fail-on", "sometimes")
    assert code == 2
    code, _ = run("check", SEED, "--format", "yaml")
    assert code == 2


def test_select_and_ignore():
    code, out = run("check", SEED, "--format", "json", "--select", "ARI004")
    rules = {f["rule"] for f in json.loads(out)["reports"][0]["findings"]}
    assert rules == {"ARI004"}
    code, out = run("check", SEED, "--format", "json", "--ignore", "arithmetic,FAC")
    rules = {f["rule"] for f in json.loads(out)["reports"][0]["findings"]}
    assert rules and not any(r.startswith(("ARI", "FAC")) for r in rules)


def test_console_script_runs():
    exe = Path(sys.executable).parent / "auditor"
    if not exe.exists():
        pytest.skip("console script not installed in this environment")
    p = subprocess.run([str(exe), "check", SEED, "--format", "json"], capture_output=True, text=True)
    assert p.returncode == 1 and json.loads(p.stdout)["reports"][0]["status"] == "ok"


def test_every_package_is_installed_by_pip_install_dot():
    """A non-editable `pip install .` installs only the packages pyproject lists: every folder of auditor/ with
    an __init__.py must be among them (auditor.read.ocr once was not, and a wheel had no OCR)."""
    import tomllib

    root = Path(__file__).resolve().parent.parent
    listed = set(tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(root).parts) for p in (root / "auditor").rglob("__init__.py")}
    assert found - listed == set(), f"packages missing from pyproject [tool.setuptools] packages: {found - listed}"
