"""`auditor serve`, the workbench, through FastAPI's test client: uploads audited in the batch's isolated workers,
the archive, a report's page, decisions that survive a re-audit, the verification record, exports, languages and
every item of the security list (token off localhost, Host, CSRF, upload size and count, generated names,
escaped output)."""
from __future__ import annotations

import io
import json
import re
import sqlite3
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the workbench needs the serve extra: pip install 'pcf-auditor[serve]'")
pytest.importorskip("httpx", reason="FastAPI's test client needs httpx")

from fastapi.testclient import TestClient  # noqa: E402

from auditor.batch.isolate import Settings  # noqa: E402
from auditor.batch.store import Store  # noqa: E402
from auditor.read.ocr import OcrOptions  # noqa: E402
from auditor.serve.app import create_app  # noqa: E402
from auditor.serve.settings import ServeSettings, is_local  # noqa: E402
from tests.conftest import FIXTURES, ROOT, audited  # noqa: E402

SEED = FIXTURES / "seed-docx.pdf"
LOCAL = "http://127.0.0.1:8000"


def make(tmp: Path, **kw) -> tuple[TestClient, object]:
    settings = ServeSettings(db=tmp / "wb.sqlite", audit=Settings(ocr=OcrOptions(mode="off"), timeout=120,
                                                                  max_memory_mb=2048), jobs=1, **kw)
    app = create_app(settings)
    client = TestClient(app, base_url=kw.get("base_url_", LOCAL), follow_redirects=False)
    return client, app.app.state.workbench


def csrf(client: TestClient) -> dict[str, str]:
    if "auditor_csrf" not in client.cookies:
        client.get("/")
    return {"X-CSRF-Token": client.cookies["auditor_csrf"]}


def wait_jobs(wb, timeout: float = 90) -> None:
    end = time.monotonic() + timeout
    while wb.jobs.busy():
        assert time.monotonic() < end, "the audit did not finish"
        time.sleep(0.1)


def upload(client: TestClient, wb, *files: tuple[str, bytes]) -> None:
    r = client.post("/upload", headers=csrf(client),
                    files=[("files", (name, data, "application/pdf")) for name, data in files])
    assert r.status_code == 200, r.text
    wait_jobs(wb)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """A workbench with the seed report uploaded and audited once for the module's tests."""
    tmp = tmp_path_factory.mktemp("serve")
    client, wb = make(tmp)
    upload(client, wb, ("seed-docx.pdf", SEED.read_bytes()))
    rid = wb.con().execute("SELECT id FROM reports").fetchone()[0]
    return client, wb, rid


# ---------------------------------------------------------------- the command

def test_serve_without_the_extra_says_how_to_install_it(monkeypatch):
    from typer.testing import CliRunner

    from auditor.cli import app

    monkeypatch.setitem(sys.modules, "fastapi", None)      # import fastapi raises ImportError
    res = CliRunner().invoke(app, ["serve"])
    assert res.exit_code == 2
    assert 'pip install "pcf-auditor[serve]"' in res.output
    assert len(res.output.strip().splitlines()) == 1


def test_help_and_check_do_not_import_the_web_stack(tmp_path: Path):
    code = ("import sys\nfrom auditor.cli import main\nsys.argv = ['auditor'] + sys.argv[1:]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('fastapi', 'starlette', 'jinja2', 'uvicorn', 'openpyxl') if m in sys.modules]\n"
            "sys.stderr.write('HEAVY=' + ','.join(heavy))\n")
    for args in (["--help"], ["check", str(SEED), "-q"], ["serve", "--help"]):
        res = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT,
                             timeout=120)
        assert res.stderr.strip().endswith("HEAVY="), (args, res.stderr[-300:])


def test_localhost_and_the_token():
    assert is_local("127.0.0.1") and is_local("localhost") and is_local("::1") and is_local("[::1]")
    assert not is_local("0.0.0.0") and not is_local("192.168.1.5") and not is_local("::")
    s = ServeSettings(host="0.0.0.0").prepared()
    assert s.token and len(s.token) >= 24 and s.url().endswith(f"?token={s.token}")
    assert s.allowed_hosts is None
    assert ServeSettings().prepared().token is None


# ---------------------------------------------------------------- upload, archive, report

def test_upload_audits_in_a_worker_and_the_archive_lists_it(seeded):
    client, wb, rid = seeded
    row = wb.con().execute("SELECT r.path, r.verdict, r.status, r.run_id, u.original_name FROM reports r "
                           "JOIN uploads u ON u.path = r.path").fetchone()
    assert row["status"] == "ok" and row["verdict"] == "nonconformity" and row["original_name"] == "seed-docx.pdf"
    run = wb.con().execute("SELECT argv, status FROM runs WHERE id = ?", (row["run_id"],)).fetchone()
    assert json.loads(run["argv"])[:2] == ["serve", "upload"] and run["status"] == "finished"
    home = client.get("/").text
    for text in ("seed-docx.pdf", "T410267-5", "杭州聚昕科技有限公司", "智能型综合配电箱", "三信国际检测认证有限公司",
                 "94.4311", "不符合标准"):
        assert text in home, text
    jobs = client.get("/jobs").text
    assert f'href="/report/{rid}"' in jobs and "完成" in jobs


def test_report_page_shows_findings_boxes_chart_and_parser_reading(seeded):
    client, wb, rid = seeded
    page = client.get(f"/report/{rid}").text
    assert "81.9886" in page and "81.9386" in page                      # the misprint and the expected value
    assert "各阶段数值" in page and "70.3747" in page                    # the stage chart: recomputed differs
    assert "计算过程" in page                                           # each finding's working
    n = int(re.search(r'data-n="(\d+)"[^>]*data-page="4"', page).group(1))
    viewer = client.get(f"/report/{rid}/page/4").text
    assert f'data-n="{n}"' in viewer and 'class="box sev-error' in viewer and f"/report/{rid}/png/4" in viewer
    png = client.get(f"/report/{rid}/png/4")
    assert png.status_code == 200 and png.headers["content-type"] == "image/png" and png.content[:4] == b"\x89PNG"
    read = client.get(f"/report/{rid}/read/4").text
    assert "81.9886" in read and "data-bbox" in read                    # what the parser read, with its box
    assert client.get(f"/report/{rid}/page/99").status_code == 404
    assert client.get("/report/999999").status_code == 404


def test_archive_filters_search_and_sort(seeded):
    client, wb, rid = seeded
    for query, present in (("verdict=nonconformity", True), ("verdict=clean", False), ("rule=ARI004", True),
                           ("rule=ARI010", False), ("year=2026", True), ("year=2019", False),
                           ("q=T410267", True), ("q=nothing-like-it", False), ("company=聚昕", True),
                           ("conclusion=fail", False), ("status=error", False), ("sort=total&order=asc", True),
                           ("sort=bogus&order=sideways&page=-3", True)):
        html = client.get(f"/?{query}", headers={"HX-Request": "true", "HX-Target": "archive"}).text
        assert ('href="/report/%d"' % rid in html) is present, query
        assert "<html" not in html      # the fragment only
    assert "BAT00" not in client.get("/archive/cross").text    # one report: nothing to compare with


def test_decisions_survive_a_reaudit_and_export_as_waivers(tmp_path: Path):
    client, wb = make(tmp_path)
    upload(client, wb, ("seed-docx.pdf", SEED.read_bytes()))
    rid, run = wb.con().execute("SELECT id, run_id FROM reports").fetchone()
    page = client.get(f"/report/{rid}").text
    n = int(re.search(r'data-n="(\d+)"[^>]*data-page="4"', page).group(1))   # ARI004 on 81.9886
    h = csrf(client)
    r = client.post(f"/report/{rid}/finding/{n}", headers=h, data={"action": "accept", "verifier": "张三"})
    assert r.status_code == 400 and "理由" in r.text                          # a reason is required
    r = client.post(f"/report/{rid}/finding/{n}", headers=h, data={"action": "accept", "text": "r"})
    assert r.status_code == 400                                              # and a name
    r = client.post(f"/report/{rid}/finding/{n}", headers=h,
                    data={"action": "accept", "verifier": "张三", "text": "summary typo, corrected in the issued copy"})
    assert r.status_code == 200 and "已接受" in r.text and "张三" in r.text
    r = client.post(f"/report/{rid}/finding/1", headers=h,
                    data={"action": "comment", "verifier": "李四", "text": "<b>ask</b> the consultant"})
    assert "&lt;b&gt;ask&lt;/b&gt;" in r.text
    # audited again: a new record (a new run), the same decisions by fingerprint
    r = client.post(f"/report/{rid}/reaudit", headers=h)
    assert r.status_code == 200
    wait_jobs(wb)
    new, new_run = wb.con().execute("SELECT id, run_id FROM reports").fetchone()
    assert new_run != run
    page = client.get(f"/report/{new}").text
    assert "summary typo, corrected in the issued copy" in page and "已接受" in page
    toml = client.get(f"/report/{new}/waivers.toml").text
    waivers = tomllib.loads(toml)["waivers"]
    assert waivers == [{"rule": "ARI004", "value": "81.9886", "path": "seed-docx.pdf",
                        "reason": "summary typo, corrected in the issued copy"}]
    assert tomllib.loads(client.get("/export/waivers.toml").text)["waivers"] == waivers
    # the exported waiver does waive the finding in `auditor check`
    from auditor.api import audit
    from auditor.engine.config import Config, Waiver

    result = audit(SEED, Config(waivers=[Waiver(**w) for w in waivers]), ocr="off")
    waived = [f for f in result.findings if f.suppressed is not None]
    assert [f.rule for f in waived] == ["ARI004"] and not any(f.rule == "WAI001" for f in result.findings)
    # reopening clears the state, the history stays
    r = client.post(f"/report/{new}/finding/{n}", headers=h, data={"action": "reopen", "verifier": "张三"})
    assert "待决定" in r.text and "summary typo" in r.text


def test_cross_report_findings_name_the_uploads(tmp_path: Path):
    client, wb = make(tmp_path)
    upload(client, wb, ("seed-docx.pdf", SEED.read_bytes()), ("seed-html.pdf", (FIXTURES / "seed-html.pdf").read_bytes()))
    cross = client.get("/archive/cross").text
    assert "BAT001" in cross and "T410267-5" in cross and "seed-html.pdf" in cross
    assert "uploads/" not in cross                               # no server path, the names uploaded
    listed = client.get("/?cross=1", headers={"HX-Target": "archive"}).text
    assert listed.count('href="/report/') == 2
    page = client.get("/report/1").text
    assert "BAT001" in page and "uploads/" not in page


def test_verification_record_print_view_and_exports(seeded):
    client, wb, rid = seeded
    h = csrf(client)
    bad = client.post(f"/report/{rid}/record", headers=h, data={"verifier": "王五", "conclusion": "maybe",
                                                                "verified_on": "2026-06-01"})
    assert bad.status_code == 400
    bad = client.post(f"/report/{rid}/record", headers=h, data={"verifier": "王五", "conclusion": "fail",
                                                                "verified_on": "yesterday"})
    assert bad.status_code == 400
    r = client.post(f"/report/{rid}/record", headers=h,
                    data={"verifier": "王五", "conclusion": "pass-after-changes", "verified_on": "2026-06-01",
                          "comments": "修改第 4 页摘要后通过"})
    assert r.status_code == 200 and "修改后通过" in r.text and "王五" in r.text
    printed = client.get(f"/report/{rid}/record").text
    for text in ("产品碳足迹报告核查记录", "修改后通过", "王五", "2026-06-01", "修改第 4 页摘要后通过", "不符合标准",
                 "81.9886", f"/report/{rid}/png/4"):
        assert text in printed, text
    assert printed.count("<details class=\"working\" open>") >= 5        # the working printed open
    assert "修改后通过" in client.get("/?conclusion=pass-after-changes").text
    x = client.get(f"/report/{rid}/export.xlsx")
    assert x.status_code == 200 and "seed-docx-review.xlsx" in x.headers["content-disposition"]
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(x.content))
    findings, record = book.worksheets
    cells = [c.value for row in findings.iter_rows() for c in row]
    assert "81.9886" in cells and "ARI004" in cells
    assert "修改后通过" in [c.value for row in record.iter_rows() for c in row]
    c = client.get(f"/report/{rid}/export.csv?lang=en")
    assert c.status_code == 200 and c.text.startswith("\ufeff#,rule,name,severity") and "81.9886" in c.text


def test_languages(seeded):
    client, wb, rid = seeded
    en = client.get(f"/report/{rid}?lang=en")
    assert "Auditor&#39;s verdict" in en.text and "nonconformity with the standard" in en.text
    assert en.cookies.get("auditor_lang") == "en"
    assert "Auditor&#39;s verdict" in client.get("/").text      # the cookie keeps the choice
    zh = client.get("/?lang=zh").text
    assert "审核工具结论" in zh and 'lang="zh-CN"' in zh


def test_the_server_language_is_the_default(tmp_path: Path):
    client, wb = make(tmp_path, lang="en")
    assert "PCF verification workbench" in client.get("/").text
    assert "产品碳足迹报告核查工作台" in client.get("/?lang=zh").text


def test_every_phrase_of_the_page_has_chinese():
    from auditor.serve import words
    from auditor.serve.exports import FINDING_COLUMNS

    ids: set[str] = set()
    folder = ROOT / "auditor" / "serve"
    for f in [*(folder / "templates").glob("*.html"), folder / "app.py", folder / "exports.py"]:
        ids.update(m.group(2) for m in re.finditer(r"""_\((["'])((?:(?!\1).)+)\1\)""", f.read_text()))
    for table in (words.CONCLUSION, words.STATE, words.ACTION, words.JOB_STATE, words.AGREES, words.READ_GROUP,
                  words.READ_LABEL):
        ids.update(table.values())
    ids.update(label for _, label in words.IDENTITY)
    ids.update(FINDING_COLUMNS)
    from auditor import i18n

    zh = i18n.catalog("zh")
    assert sorted(i for i in ids if not zh.get(i)) == []


# ---------------------------------------------------------------- security

def test_token_required_off_localhost(tmp_path: Path):
    client, wb = make(tmp_path, host="0.0.0.0", token="s3cret-token-for-the-test")
    r = client.get("/")
    assert r.status_code == 401 and "token" in r.text
    assert client.get("/static/workbench.css").status_code == 401
    assert client.get("/?token=wrong").status_code == 401
    r = client.get("/?token=s3cret-token-for-the-test&lang=en")
    assert r.status_code == 303 and r.headers["location"] == "/?lang=en"
    assert "HttpOnly" in r.headers["set-cookie"] and "SameSite=Strict" in r.headers["set-cookie"]
    assert client.get("/").status_code == 200                       # the cookie now carries it
    other = TestClient(client.app, base_url=LOCAL)
    assert other.get("/", headers={"Authorization": "Bearer s3cret-token-for-the-test"}).status_code == 200


def test_localhost_refuses_other_host_names(tmp_path: Path):
    client, wb = make(tmp_path)
    assert client.get("/", headers={"Host": "evil.example:8000"}).status_code == 400
    assert client.get("/", headers={"Host": "localhost:8000"}).status_code == 200


def test_forms_need_the_csrf_token(seeded):
    client, wb, rid = seeded
    form = {"verifier": "x", "conclusion": "fail", "verified_on": "2026-06-01"}
    assert client.post(f"/report/{rid}/record", data=form).status_code == 403
    assert client.post(f"/report/{rid}/record", data=form, headers={"X-CSRF-Token": "forged" * 5}).status_code == 403
    h = csrf(client)
    assert client.post(f"/report/{rid}/record", data=form,
                       headers={**h, "Origin": "http://evil.example"}).status_code == 403
    assert client.post(f"/report/{rid}/record", data={**form, "csrf": h["X-CSRF-Token"]}).status_code == 200
    assert client.post("/upload", files=[("files", ("a.pdf", b"%PDF-1.4", "application/pdf"))]).status_code == 403
    r = client.get("/")
    assert "default-src 'self'" in r.headers["content-security-policy"] and r.headers["x-frame-options"] == "DENY"


def test_upload_size_and_count_limits(tmp_path: Path):
    client, wb = make(tmp_path, max_upload_mb=1, max_file_mb=1, max_files=2)
    h = csrf(client)
    big = b"%PDF-1.4\n" + b"0" * (3 << 20)
    r = client.post("/upload", headers=h, files=[("files", ("big.pdf", big, "application/pdf"))])
    assert r.status_code == 413
    three = [("files", (f"{i}.pdf", b"%PDF-1.4\n", "application/pdf")) for i in range(3)]
    r = client.post("/upload", headers=h, files=three)
    assert r.status_code == 413 and "--max-files" in r.text
    assert not list((wb.uploads).glob("*")) if wb.uploads.exists() else True
    assert wb.con().execute("SELECT count(*) FROM uploads").fetchone()[0] == 0


def test_uploaded_names_never_become_paths(tmp_path: Path):
    client, wb = make(tmp_path)
    upload(client, wb, ("../../etc/passwd", b"not a pdf at all"), ("<b onmouseover=alert(1)>x.pdf", b"%PDF-1."))
    rows = wb.con().execute("SELECT path, original_name FROM uploads ORDER BY id").fetchall()
    assert [r["original_name"] for r in rows] == ["passwd", "<b onmouseover=alert(1)>x.pdf"]
    for r in rows:
        p = Path(r["path"])
        assert p.parent == wb.uploads.resolve() and re.fullmatch(r"[0-9a-f]{32}\.pdf", p.name)
    assert sorted(p.name for p in wb.uploads.iterdir()) == sorted(Path(r["path"]).name for r in rows)
    home = client.get("/").text
    assert "<b onmouseover" not in home and "&lt;b onmouseover=alert(1)&gt;x.pdf" in home
    errors = dict(wb.con().execute("SELECT u.original_name, r.error_code FROM reports r JOIN uploads u "
                                   "ON u.path = r.path").fetchall())
    assert errors["passwd"] == "not-a-pdf"
    rid = wb.con().execute("SELECT r.id FROM reports r JOIN uploads u ON u.path = r.path WHERE "
                           "u.original_name = 'passwd'").fetchone()[0]
    assert client.get(f"/report/{rid}/png/1").status_code == 404    # never served back: not a rendered page


def test_report_text_with_markup_is_shown_escaped(tmp_path: Path):
    client, wb = make(tmp_path)
    result = audited("seed-docx.pdf").model_copy(deep=True)
    result.path = str(tmp_path / "evil.pdf")
    result.identity.product = "<script>alert('product')</script>"
    result.identity.company = '"><img src=x onerror=alert(1)>'
    result.findings[0].message = "<script>alert('finding')</script> & more"
    result.findings[0].message_id = None           # a text of its own: not re-rendered from the catalogue
    with_steps = next(f for f in result.findings if f.detail)
    with_steps.detail.steps, with_steps.detail.texts = ["<iframe src=//evil>"], {}
    store = Store(wb.settings.db)
    run = store.begin_run("v", "r", "c", "local", 1, [])
    rid = store.save(result, size=1, mtime_ns=1, tool_version="v", rules_version="r", config_hash="c", run_id=run,
                     duration_s=0.1, peak_rss_mb=None)
    store.close()
    for url in ("/", f"/report/{rid}", f"/report/{rid}/record", f"/report/{rid}/record?lang=en"):
        html = client.get(url).text
        assert "<script>alert" not in html and "<img src=x" not in html and "<iframe" not in html, url
    page = client.get(f"/report/{rid}").text
    assert "&lt;script&gt;alert(&#39;finding&#39;)&lt;/script&gt; &amp; more" in page
    assert "&lt;script&gt;alert(&#39;product&#39;)&lt;/script&gt;" in page
    assert "no page images" in client.get(f"/report/{rid}/page/1").text       # the file is not there


# ---------------------------------------------------------------- thousands of reports

def synthetic_archive(db: Path, n: int) -> None:
    """n records made from the seed's, with varied identities, verdicts and years, and their findings."""
    base = audited("seed-docx.pdf")
    store = Store(db)
    run = store.begin_run("v", "r", "c", "local", 1, [])
    verdicts = ["clean", "immaterial", "material", "not-verifiable", "nonconformity"]
    for i in range(n):
        r = base.model_copy(deep=True)
        r.path = f"/archive/{2020 + i % 6}/report-{i:05d}.pdf"
        r.sha256 = f"{i:064x}"
        r.identity.report_number = f"T{i:06d}"
        r.identity.company = f"公司{i % 37}"
        r.identity.issue_date = f"{2020 + i % 6}年01月02日"
        r.summary.report_number, r.summary.company = r.identity.report_number, r.identity.company
        r.opinion.verdict = verdicts[i % 5]
        r.findings = r.findings[: 3 + i % 10]
        store.save(r, size=1, mtime_ns=1, tool_version="v", rules_version="r", config_hash="c", run_id=run,
                   duration_s=0.1, peak_rss_mb=None)
    store.close()


def test_archive_pages_through_thousands_of_reports(tmp_path: Path):
    client, wb = make(tmp_path)
    synthetic_archive(wb.settings.db, 1200)
    t = time.perf_counter()
    html = client.get("/?sort=number&order=asc&page=3", headers={"HX-Request": "true", "HX-Target": "archive"}).text
    elapsed = time.perf_counter() - t
    numbers = re.findall(r"<td>(T\d{6})</td>", html)
    assert numbers == [f"T{i:06d}" for i in range(100, 150)]
    assert "第 3 / 24 页" in html
    html = client.get("/?verdict=material&year=2022&company=公司1", headers={"HX-Target": "archive"}).text
    con = sqlite3.connect(wb.settings.db)
    expected = con.execute("SELECT count(*) FROM reports WHERE verdict = 'material' AND issue_year = 2022 AND "
                           "company LIKE '%公司1%'").fetchone()[0]
    assert f"共 {expected} 份报告" in html
    assert elapsed < 5, elapsed
    # the listing reads the covering index, never the rows (their columns after result_json are slow to reach)
    from auditor.serve import archive

    f = archive.Filters(sort="total", order="asc").clean()
    where, args = archive._where(f)
    plan = " ".join(r[3] for r in con.execute(
        f"EXPLAIN QUERY PLAN SELECT r.id, r.verdict, r.total FROM reports r INDEXED BY reports_archive{where} "
        f"ORDER BY {archive.SORTS[f.sort]}", args))
    assert "COVERING INDEX reports_archive" in plan, plan


def test_templates_and_static_files_are_package_data():
    """A non-editable install carries every template and static file (pyproject's package-data globs)."""
    import fnmatch

    globs = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["auditor"]
    folder = ROOT / "auditor"
    for sub in ("serve/templates", "serve/static"):
        for f in (folder / sub).iterdir():
            rel = f.relative_to(folder).as_posix()
            assert any(fnmatch.fnmatch(rel, g) for g in globs), rel
    assert (folder / "serve" / "static" / "htmx.LICENSE").read_text().startswith("Zero-Clause BSD")
