"""The workbench end to end, in a real browser: `auditor serve` started as a newcomer would, Debian's Chromium
driven by Playwright (through executable_path: no browser is downloaded). The seed report is dropped on the page,
audited, opened; its 81.9886 finding is found and shown on its page; another finding is accepted with a reason;
the conclusion is recorded; the verification record is printed to PDF and exported to Excel. A screenshot is
kept and checked not to be blank.

Skips, saying why, without /usr/bin/chromium or the playwright package (`.ci/run` installs Chromium).
Screenshots go to AUDITOR_E2E_SCREENSHOTS when set (the README's come from there), else to the test's tmp folder.
"""
from __future__ import annotations

import base64
import io
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT

CHROMIUM = os.environ.get("AUDITOR_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]
SEED = FIXTURES / "seed-docx.pdf"

if not Path(CHROMIUM).exists():
    pytest.skip(f"the end-to-end test needs Chromium at {CHROMIUM} (scripts/install-system-deps.sh installs it)",
                allow_module_level=True)
playwright_api = pytest.importorskip("playwright.sync_api", reason="the end-to-end test needs the playwright package "
                                                                   "(pip install playwright; no browser download)")
pytest.importorskip("fastapi", reason="the workbench needs the serve extra: pip install 'pcf-auditor[serve]'")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path: Path):
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "auditor", "serve", "--db", str(tmp_path / "wb.sqlite"),
                             "--port", str(port), "--jobs", "1", "--timeout-per-file", "120"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/"
    end = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > end:
                out = proc.stdout.read() if proc.stdout else ""
                proc.kill()
                pytest.fail(f"auditor serve did not start: {out[-2000:]}")
            time.sleep(0.05)
    yield url, proc
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def not_blank(png: bytes) -> None:
    from PIL import Image, ImageStat

    img = Image.open(io.BytesIO(png)).convert("L")
    stat = ImageStat.Stat(img)
    assert img.width >= 800 and stat.stddev[0] > 20, "the screenshot is blank"
    assert len(img.getcolors(1 << 16) or range(300)) > 40, "the screenshot has almost no content"


def test_seed_from_drop_to_printed_record(server, tmp_path: Path):
    url, proc = server
    shots = Path(os.environ.get("AUDITOR_E2E_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    steps: list[tuple[str, float]] = []

    def mark(what: str) -> None:
        steps.append((what, time.monotonic() - t0))

    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url)
        mark("browser started, page open")
        assert "产品碳足迹报告核查工作台" in page.title()

        # drop the seed on the page, as a file dragged from the desktop
        data = base64.b64encode(SEED.read_bytes()).decode()
        page.evaluate("""([name, b64]) => {
            const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
            const dt = new DataTransfer();
            dt.items.add(new File([bytes], name, {type: "application/pdf"}));
            const zone = document.querySelector(".dropzone");
            zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: dt, bubbles: true, cancelable: true}));
            zone.dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
        }""", ["seed-docx.pdf", data])
        link = page.locator(".job-files a", has_text="seed-docx.pdf")
        link.wait_for(timeout=60_000)
        t_audit = time.monotonic() - t0
        mark("seed dropped and audited")
        page.locator("table.archive td.name a", has_text="seed-docx.pdf").wait_for(timeout=10_000)
        assert "不符合标准" in page.locator("table.archive").inner_text()
        page.screenshot(path=str(shots / "workbench-archive.png"))
        mark("archive listed")

        # the report: 81.9886 among the findings; its box on page 4
        link.click()
        page.wait_for_selector(".viewer .page img")
        card = page.locator(".finding", has_text="81.9886").first
        assert "ARI004" in card.inner_text()
        n = card.get_attribute("data-n")
        card.locator("button.where").click()
        box = page.locator(f'.viewer .box[data-n="{n}"]')
        box.wait_for()
        playwright_api.expect(box).to_have_class(re.compile(r"\bactive\b"))
        assert page.locator(".viewer").get_attribute("data-page") == "4"
        assert box.bounding_box()["width"] > 10
        page.wait_for_timeout(700)    # the box's pulse
        shot = page.screenshot(path=str(shots / "workbench-report.png"))
        mark("report open, 81.9886 shown in its box")
        not_blank(shot)

        # a box leads to its finding
        box.click()
        assert "active" in (card.get_attribute("class") or "")

        # accept another finding with a reason
        page.fill("#verifier", "张三")
        other = page.locator(".finding", has_text="BND003").first
        other.locator("details.accept summary").click()
        other.locator("details.accept textarea").fill("仓储阶段不产生排放，报告已说明")
        other.locator("details.accept button").click()
        accepted = page.locator(".finding.st-accepted", has_text="BND003")
        accepted.wait_for()
        assert "仓储阶段不产生排放" in accepted.inner_text() and "张三" in accepted.inner_text()
        mark("another finding accepted")

        # what the parser read on the page shown
        page.click(".tab[data-tab=read]")
        page.locator("#read .ritem", has_text="81.9886").first.wait_for()
        mark("parser panel read")

        # the verification record
        page.locator("#record-panel details.record-form summary").click()
        page.check("#record-panel input[value=pass-after-changes]")
        page.fill("#record-panel input[name=verifier]", "张三")
        page.fill("#record-panel textarea[name=comments]", "第 4 页摘要改正后通过")
        page.click("#record-panel button.primary")
        page.locator("#record-panel .conclusion.c-pass-after-changes").wait_for()
        mark("conclusion recorded")

        # printed and exported
        page.click("text=核查记录（打印 / PDF）")
        page.wait_for_selector(".sheet")
        sheet = page.locator(".sheet").inner_text()
        for text in ("修改后通过", "张三", "第 4 页摘要改正后通过", "81.9886", "仓储阶段不产生排放", "不符合标准"):
            assert text in sheet, text
        for _ in range(100):   # the page images loaded (a predicate in the page: the CSP forbids eval)
            if page.evaluate("() => Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)"):
                break
            page.wait_for_timeout(100)
        mark("record page open")
        pdf = page.pdf(path=str(shots / "verification-record.pdf"), format="A4", print_background=True)
        mark("record printed to PDF")
        assert pdf[:5] == b"%PDF-" and len(pdf) > 50_000
        with page.expect_download() as dl:
            page.click(".toolbar a[href$='export.xlsx']")
        xlsx = Path(dl.value.path()).read_bytes()
        mark("exported to Excel")
        browser.close()
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx))
    cells = [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert "81.9886" in cells and "修改后通过" in cells and any("仓储阶段不产生排放" in c for c in cells)
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    assert "修改后通过" in text and "81.9886" in text and len(doc) >= 3
    assert not errors, errors
    elapsed = time.monotonic() - t0
    print(f"\nend-to-end: seed audited through the page in {t_audit:.1f} s, whole flow {elapsed:.1f} s")
    print("\n".join(f"  {t:5.1f} s  {what}" for what, t in steps))
    assert elapsed < 90
