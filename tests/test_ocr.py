"""OCR of scanned pages (auditor.read.ocr): the default engine (rapidocr, bundled models) reads scans into the same
typed page as a born-digital one; pages are turned upright and deskewed; garbage or mismatching text layers go to
OCR; readings are cached by page-image hash; nothing touches the network. Tesseract is tested only where it is
installed."""
from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from functools import cache, lru_cache
from pathlib import Path

import pytest
from conftest import can_ocr

from auditor.read.ocr import EngineUnavailable, OcrOptions
from auditor.read.ocr.engines import Word, get_engine

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "pdf"
SCAN = FIXTURES / "synth-3-seed-scan.pdf"


pytestmark = pytest.mark.skipif(not can_ocr(), reason="rapidocr cannot run here: OCR not tested")


@cache
def parsed(path: str, **kw):
    from auditor.api import parse

    return parse(path, **kw)


def one_page_pdf(img, path: Path, dpi: int = 200) -> Path:
    img.save(path, "PDF", resolution=dpi)
    return path


@lru_cache(maxsize=4)
def page_image(number: int, dpi: int = 200):
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(SCAN))
    try:
        return doc[number - 1].render(scale=dpi / 72).to_pil().convert("L")
    finally:
        doc.close()


# ---------------------------------------------------------------- the seed scan


def test_scan_is_read_with_confidences():
    r = parsed(str(SCAN))
    assert r.coverage.text_pages == 0 and r.coverage.ocr_pages == list(range(1, 8))
    assert r.coverage.ocr_engine and r.coverage.ocr_engine.startswith("rapidocr")
    lines = [ln for st in r.inventory.stages for ln in st.lines]
    assert len(lines) == 11
    assert all(ln.activity.confidence is not None for ln in lines if ln.activity)
    low = [n for n in r.notes if n.code == "ocr-low-confidence"]
    assert len(low) == r.coverage.ocr_low_confidence
    for n in low:
        assert n.severity == "warning" and n.location is not None and n.location.bbox is not None
    cjk = "\u4e00-\u9fff"
    assert not any(re.search(f"[{cjk}] [{cjk}]", q.text) for q in r.quotes)   # no spaces inside Chinese


def test_scan_audits_like_its_born_digital_source():
    from auditor.api import audit

    scan, born = audit(SCAN), audit(FIXTURES / "synth-3-seed-docx.pdf")
    assert scan.status == born.status == "ok"
    assert scan.counts["error"] == born.counts["error"] == 0
    assert [(s.canonical, s.stated) for s in scan.stages] == [(s.canonical, s.stated) for s in born.stages]


def test_numbers_read_wrong_by_ocr_are_never_confident():
    """Every inventory number that differs from the truth carries a confidence under the threshold."""
    from auditor.read.ocr import LOW_CONFIDENCE
    from fixtures.score_extraction import truth_for

    r = parsed(str(SCAN))
    data, _, _ = truth_for(SCAN)
    want = {(st.key, i): (ln.activity, ln.factor) for st in data.stages for i, ln in enumerate(st.lines)}
    keys = {"raw_material_acquisition": "raw_material", "raw_material_transport": "raw_transport"}
    for st in r.inventory.stages:
        key = keys.get(st.stage.canonical, st.stage.canonical)
        for i, ln in enumerate(st.lines):
            for got, true in zip((ln.activity, ln.factor), want[(key, i)]):
                if got is not None and got.text != true:
                    assert got.confidence is not None and got.confidence < LOW_CONFIDENCE, (got.text, true)


def test_an_engine_that_cannot_run_is_reported_with_the_reason(monkeypatch):
    from auditor.api import audit, parse
    from auditor.read import ocr

    def unavailable(name=None):
        raise EngineUnavailable("the rapidocr engine is not installed (test): pip install rapidocr onnxruntime")

    monkeypatch.setattr(ocr, "get_engine", unavailable)
    r = parse(SCAN, ocr=OcrOptions(cache="off"))
    notes = [n for n in r.notes if n.code == "ocr-unavailable"]
    assert len(notes) == 1 and notes[0].severity == "warning"
    assert "pip install rapidocr onnxruntime" in notes[0].message and "1, 2, 3" in notes[0].message
    result = audit(SCAN, ocr=OcrOptions(cache="off"))
    assert result.status == "ok"
    assert any(f.rule == "EXT001" for f in result.findings)            # nothing to verify, said loudly


def test_unknown_engine_is_refused_by_name():
    with pytest.raises(EngineUnavailable, match="unknown OCR engine 'paddle'"):
        get_engine("paddle")


def test_ocr_off_leaves_the_page_unread_and_says_so():
    from auditor.api import parse

    r = parse(SCAN, ocr="off")
    assert r.coverage.text_pages == 0 and not r.coverage.ocr_pages and r.coverage.ocr_engine is None
    assert sum(1 for n in r.notes if n.code == "no-text-layer") == 7


def test_progress_is_reported_per_ocr_page(tmp_path):
    from pypdf import PdfReader, PdfWriter

    from auditor.api import parse

    w = PdfWriter()
    for n in (1, 2):
        w.add_page(PdfReader(SCAN).pages[n])
    pdf = tmp_path / "two.pdf"
    with open(pdf, "wb") as f:
        w.write(f)
    calls = []
    parse(pdf, ocr=OcrOptions(cache=str(tmp_path / "c")), progress=lambda s, d, t: calls.append((s, d, t)))
    assert [c for c in calls if c[0] == "ocr"] == [("ocr", 1, 2), ("ocr", 2, 2)]


# ---------------------------------------------------------------- words to characters


def test_words_become_characters_closed_up_within_a_run_and_spaced_where_printed():
    from auditor.read.ocr.page import words_to_chars

    # a line of Chinese with digits, one box per character, a printed space before "kg"; then a Latin line
    ws = [Word("原", 10, 100, 30, 130, 99, 0, False), Word("料", 33, 100, 53, 130, 98, 0, False),
          Word("8", 60, 100, 70, 130, 97, 0, False), Word("1", 71, 100, 80, 130, 60, 0, False),
          Word("kg", 95, 100, 120, 130, 95, 0, True),
          Word("Raw", 10, 200, 60, 230, 99, 1, True), Word("material", 70, 200, 160, 230, 99, 1, True)]
    chars = words_to_chars(ws, 1.0)
    line0 = "".join(c["text"] for c in chars if c["top"] == 100)
    line1 = "".join(c["text"] for c in chars if c["top"] == 200)
    assert line0 == "原料81 kg" and line1 == "Raw material"
    one = next(c for c in chars if c["text"] == "1")
    assert one["conf"] == 60
    liao = next(c for c in chars if c["text"] == "料")
    eight = next(c for c in chars if c["text"] == "8")
    assert eight["x0"] == liao["x1"]          # closed up: no gap the line builder would read as a space


def test_a_word_read_across_a_ruling_is_cut_there():
    from auditor.read.ocr.page import words_to_chars

    ws = [Word("(t·km))(tCO2e)", 100, 50, 240, 70, 99, 0, True)]
    chars = words_to_chars(ws, 1.0, walls=[(170.0, 0.0, 100.0)])
    left = "".join(c["text"] for c in chars if c["x1"] <= 170)
    right = "".join(c["text"] for c in chars if c["x0"] >= 170)
    assert left == "(t·km))" and right == "(tCO2e)"
    first_right = next(c for c in chars if c["x0"] >= 170)
    last_left = [c for c in chars if c["x1"] <= 170][-1]
    assert first_right["x0"] - last_left["x1"] > 3        # two runs: neither overflows into the other cell


# ---------------------------------------------------------------- upright and deskewed


@pytest.mark.parametrize("angle", [-2.0, -0.7, 1.3, 2.0])
def test_skew_is_measured(angle):
    from auditor.read.ocr.image import rotate, skew_angle

    img = page_image(3)
    base = skew_angle(img)
    tilted = rotate(img, angle)
    assert abs(skew_angle(tilted) - (base - angle)) < 0.15
    assert abs(skew_angle(rotate(tilted, skew_angle(tilted)))) < 0.15       # and turning by it straightens


@pytest.mark.parametrize("turn", [90, 180, 270])
def test_a_page_scanned_turned_is_read_upright(tmp_path, turn):
    from auditor.read import open_document

    pdf = one_page_pdf(page_image(3).rotate(turn, expand=True), tmp_path / f"turned-{turn}.pdf")
    doc = open_document(pdf, ocr=OcrOptions(cache="off"))
    assert doc.pages[0].ocr
    assert any(n.code == "ocr-page-turned" and f"by {turn} degrees clockwise" in n.message for n in doc.notes)
    text = "".join(doc.prose.text.split())
    assert "3315.2074" in text and "原辅料获取阶段" in text
    assert doc.pages[0].height > doc.pages[0].width          # upright A4


# ---------------------------------------------------------------- text layers that lie


def _image_with_text_layer(tmp_path: Path, text: str, invisible: bool, font_text: str | None = None) -> Path:
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    img = page_image(3)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    buf.seek(0)
    path = tmp_path / "layered.pdf"
    c = canvas.Canvas(str(path), pagesize=(595.3, 841.9))
    c.drawImage(ImageReader(buf), 0, 0, width=595.3, height=841.9)
    t = c.beginText(72, 700)
    t.setFont("Helvetica", 10)
    if invisible:
        t.setTextRenderMode(3)
    for line in text.splitlines():
        t.textLine(line)
    c.drawText(t)
    c.showPage()
    c.save()
    return path


def test_an_invisible_text_layer_that_does_not_match_the_image_is_replaced(tmp_path):
    from auditor.api import parse

    lorem = "\n".join(["Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor"] * 30)
    r = parse(_image_with_text_layer(tmp_path, lorem, invisible=True), ocr=OcrOptions(cache="off"))
    assert r.coverage.ocr_pages == [1]
    assert any(n.code == "ocr-layer-replaced" and n.severity == "warning" for n in r.notes)
    assert "Lorem" not in " ".join(q.text for q in r.quotes)


def test_a_poster_page_is_read_at_a_lower_resolution_than_an_a4_page():
    from auditor.read.document import Page, TextFlow
    from auditor.read.ocr.page import MAX_PIXELS, page_dpi

    a4 = Page(number=1, width=595, height=842, lines=TextFlow())
    poster = Page(number=1, width=8400, height=8400, lines=TextFlow())
    assert page_dpi(a4, 200) == 200
    low = page_dpi(poster, 200)
    assert low < 200 and (8400 / 72 * low) ** 2 <= MAX_PIXELS


def test_why_ocr_decides_per_page():
    from auditor.read.document import Page, TextFlow
    from auditor.read.ocr import why_ocr

    def page(**kw):
        return Page(number=1, width=595, height=842, lines=TextFlow(), **kw)

    assert why_ocr(page(chars=0, images=1), "auto") == "no text layer"
    assert why_ocr(page(chars=0, images=0), "auto") is None                       # blank
    assert why_ocr(page(chars=100, images=0, garbage=60), "auto") == "text layer unreadable"
    assert why_ocr(page(chars=100, images=0, garbage=5), "auto") is None
    assert why_ocr(page(chars=100, images=1, invisible=100), "auto") == "invisible text layer"
    assert why_ocr(page(chars=100, images=1, invisible=100), "off") is None
    assert why_ocr(page(chars=100, images=0), "force") == "forced"


def test_unmapped_glyphs_are_counted_as_garbage():
    from auditor.read.document import unreadable

    assert unreadable("\ue001") and unreadable("\ufffd") and unreadable("(cid:42)") and unreadable("\x03")
    assert not unreadable("碳") and not unreadable("a") and not unreadable(" ")
    from auditor.read.document import count_unreadable

    assert count_unreadable(["碳", "\ue001", "(cid:42)", "a", "\ufffd", "\n", "\x03"]) == 4


# ---------------------------------------------------------------- cache


def test_a_page_is_never_read_twice(tmp_path, monkeypatch):
    from auditor.api import parse
    from auditor.read.ocr import engines

    pdf = one_page_pdf(page_image(2), tmp_path / "one.pdf")
    first = parse(pdf, ocr=OcrOptions(cache=str(tmp_path / "cache")))
    assert list((tmp_path / "cache").rglob("*.json.gz"))

    def boom(self, image):
        raise AssertionError("the page was read again")

    monkeypatch.setattr(engines.RapidEngine, "read", boom)
    again = parse(pdf, ocr=OcrOptions(cache=str(tmp_path / "cache")))
    assert again.model_dump(exclude={"path"}) == first.model_dump(exclude={"path"})
    db = tmp_path / "batch.sqlite"
    monkeypatch.undo()
    parse(pdf, ocr=OcrOptions(cache=f"sqlite:{db}"))
    monkeypatch.setattr(engines.RapidEngine, "read", boom)
    assert parse(pdf, ocr=OcrOptions(cache=f"sqlite:{db}")).model_dump(exclude={"path"}) == \
        first.model_dump(exclude={"path"})


def test_an_unwritable_cache_is_said_and_does_not_stop_the_reading(tmp_path):
    from auditor.api import parse

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    pdf = one_page_pdf(page_image(2), tmp_path / "one.pdf")
    r = parse(pdf, ocr=OcrOptions(cache=str(blocker / "cache")))
    assert r.coverage.ocr_pages == [1]
    assert any(n.code == "ocr-cache" for n in r.notes)


# ---------------------------------------------------------------- offline


def test_ocr_never_touches_the_network(tmp_path):
    """A fresh interpreter with every socket refused reads a scanned page: no model or data is fetched."""
    pdf = one_page_pdf(page_image(2), tmp_path / "one.pdf")
    code = f"""
import socket
attempts = []
class Refused(OSError):
    pass
def refuse(*a, **k):
    attempts.append(a)
    raise Refused("network access attempted")
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
from auditor.api import parse
from auditor.read.ocr import OcrOptions
r = parse({str(pdf)!r}, ocr=OcrOptions(cache="off"))
assert r.coverage.ocr_pages == [1], r.notes
assert not attempts, attempts
print("read", len(r.quotes) + len(r.notes))
"""
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    assert "read" in res.stdout


# ---------------------------------------------------------------- the CLI


def test_cli_takes_engine_dpi_and_cache(tmp_path):
    pdf = one_page_pdf(page_image(2), tmp_path / "one.pdf")
    cache = tmp_path / "c"
    res = subprocess.run([sys.executable, "-m", "auditor", "extract", str(pdf), "--ocr-engine", "rapidocr",
                          "--ocr-dpi", "150", "--ocr-cache", str(cache)], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    cov = json.loads(res.stdout)["coverage"]
    assert cov["ocr_pages"] == [1] and cov["ocr_engine"].startswith("rapidocr")
    assert list(cache.rglob("*.json.gz"))
    bad = subprocess.run([sys.executable, "-m", "auditor", "extract", str(pdf), "--ocr-engine", "paddle"],
                         capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and "paddle" in bad.stderr
    for cache_spec in (f"sqlite:{pdf}", str(pdf)):     # the input as the cache's database, a file as its folder
        bad = subprocess.run([sys.executable, "-m", "auditor", "extract", str(pdf), "--ocr-cache", cache_spec],
                             capture_output=True, text=True, timeout=300)
        assert bad.returncode == 2 and "--ocr-cache" in bad.stderr and "Traceback" not in bad.stderr
    assert pdf.read_bytes()[:5] == b"%PDF-"          # the input untouched


# ---------------------------------------------------------------- Tesseract, where installed


def test_tesseract_engine_reads_a_page_where_installed(tmp_path):
    from auditor.api import parse

    try:
        get_engine("tesseract")
    except EngineUnavailable as e:
        pytest.skip(f"Tesseract engine not available: {e}")
    pdf = one_page_pdf(page_image(2), tmp_path / "one.pdf")
    r = parse(pdf, ocr=OcrOptions(engine="tesseract", cache="off"))
    assert r.coverage.ocr_pages == [1] and r.coverage.ocr_engine.lower().startswith("tesseract")


def test_a_batch_keeps_its_ocr_readings_in_its_database(tmp_path):
    import sqlite3

    folder = tmp_path / "in"
    folder.mkdir()
    one_page_pdf(page_image(2), folder / "scan.pdf")
    db = tmp_path / "r.sqlite"
    res = subprocess.run([sys.executable, "-m", "auditor", "batch", str(folder), "--db", str(db), "--jobs", "1",
                          "--no-progress"], capture_output=True, text=True, timeout=600)
    assert res.returncode in (0, 1), res.stderr
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM ocr_pages").fetchone()[0] == 1
        status = con.execute("SELECT status FROM reports").fetchone()[0]
    assert status == "ok"


def test_a_lone_stroke_is_told_by_its_slant():
    from PIL import Image, ImageDraw

    from auditor.read.ocr.page import _stroke

    def mark(points):
        from PIL import ImageOps

        img = Image.new("L", (30, 40), 255)
        ImageDraw.Draw(img).line(points, fill=0, width=3)
        return img.crop(ImageOps.invert(img).getbbox())     # as the reader crops it: to its ink

    assert _stroke(mark([(22, 2), (8, 38)])) == "/"
    assert _stroke(mark([(15, 2), (15, 38)])) == "1"
    assert _stroke(mark([(8, 2), (22, 38)])) == "\\"
