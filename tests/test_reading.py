"""Reading files the first reader refuses or misreads, through the real CLI: an encrypted scan (OCR must use the
document opened with the password), files pdfium will not open, and clues too weak to make a finding."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fixtures.hostile import raw_pdf

ROOT = Path(__file__).resolve().parent.parent
SCAN = ROOT / "fixtures" / "pdf" / "synth-3-seed-scan.pdf"


def run_cli(*args: str, cwd: Path, env: dict | None = None) -> tuple[int, str, str]:
    p = subprocess.run([sys.executable, "-m", "auditor", *args], capture_output=True, text=True, timeout=300,
                       cwd=cwd, env={**os.environ, "NO_COLOR": "1", **(env or {})})
    return p.returncode, p.stdout, p.stderr


@pytest.fixture
def here(tmp_path) -> Path:
    # an empty configuration here stops the search for one in the folders above (the defaults are under test)
    (tmp_path / "auditor.toml").write_text("", encoding="utf-8")
    return tmp_path


def only_report(stdout: str) -> dict:
    reports = json.loads(stdout)["reports"]
    assert len(reports) == 1
    return reports[0]


# ------------------------------------------------------------------ item 3: an encrypted scan


def test_encrypted_scan_is_ocred_with_the_password(here):
    from pypdf import PdfReader, PdfWriter

    w = PdfWriter()
    w.add_page(PdfReader(SCAN).pages[0])     # an image-only page: the title page of the seed report
    w.encrypt("pw", algorithm="AES-256")
    path = here / "enc-scan.pdf"
    with open(path, "wb") as f:
        w.write(f)

    code, out, err = run_cli("check", path.name, "--password", "pw", "--format", "json", cwd=here)
    assert "Traceback" not in err
    rec = only_report(out)
    assert rec["status"] == "ok", rec["error"]
    assert rec["coverage"]["ocr_pages"] == [1]
    code, out, err = run_cli("extract", path.name, "--password", "pw", cwd=here)
    assert code == 0, err
    assert json.loads(out)["metadata"]["product"]["text"] == "离心式清水泵"


# ------------------------------------------------------------------ item 7: files pdfium refuses


def _page_objs(text: bytes) -> list[bytes]:
    content = b"BT /F1 12 Tf 72 720 Td (" + text + b") Tj ET"
    return [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
            b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Resources<</Font<</F1 5 0 R>>>>/Contents 4 0 R>>",
            b"<</Length %d>>stream\n" % len(content) + content + b"\nendstream",
            b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>"]


def test_file_pdfium_refuses_is_read_with_pdfminer(here):
    # the trailer's /Root names the page tree instead of the catalog: pdfium refuses the file ("Failed to load
    # document"), pdfminer finds the pages (so does py-pdf/sample-files 017-unreadable-meta-data)
    (here / "root.pdf").write_bytes(raw_pdf(_page_objs(b"Product carbon footprint of a pump"), root=2))
    code, out, err = run_cli("check", "root.pdf", "--format", "json", cwd=here)
    assert "Traceback" not in err
    rec = only_report(out)
    assert rec["status"] == "ok", rec["error"]
    assert rec["coverage"]["text_pages"] == 1
    code, out, err = run_cli("extract", "root.pdf", cwd=here)
    assert code == 0, err
    notes = [n for n in json.loads(out)["notes"] if n["code"] == "reader-fallback"]
    assert len(notes) == 1 and "pdfminer" in notes[0]["message"] and notes[0]["severity"] == "info"


def _brotli_pdf() -> bytes:
    """Catalog, page tree and page in an object stream filtered /BrotliDecode, found through an xref stream."""
    body = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
            b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>"]
    head, blob = b"", b""
    for i, o in enumerate(body, 1):
        head += b"%d %d " % (i, len(blob))
        blob += o + b" "
    packed = bytes(b ^ 0x5A for b in head + blob)     # stands in for Brotli bytes: no reader here decodes them
    out = bytearray(b"%PDF-1.7\n")
    off4 = len(out)
    out += b"4 0 obj\n<</Type/ObjStm/N 3/First %d/Filter/BrotliDecode/Length %d>>stream\n" % (len(head), len(packed))
    out += packed + b"\nendstream\nendobj\n"
    off5 = len(out)
    rows = [(0, 0, 255)] + [(2, 4, i) for i in range(3)] + [(1, off4, 0), (1, off5, 0)]
    xs = b"".join(bytes([t]) + f.to_bytes(4, "big") + bytes([g]) for t, f, g in rows)
    out += b"5 0 obj\n<</Type/XRef/Size 6/W[1 4 1]/Root 1 0 R/Length %d>>stream\n" % len(xs) + xs
    out += b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % off5
    return bytes(out)


def test_brotli_filter_is_named(here):
    (here / "brotli.pdf").write_bytes(_brotli_pdf())
    code, out, err = run_cli("check", "brotli.pdf", "--format", "json", cwd=here)
    assert code == 2 and "Traceback" not in err
    rec = only_report(out)
    assert rec["error"]["code"] == "unreadable"
    assert "/BrotliDecode filter, which is not supported" in rec["error"]["message"]
    assert "PDFium: " not in rec["error"]["message"]


# ------------------------------------------------------------------ item 8: clues too weak to count


def _essay_pdf(path: Path) -> None:
    """An English essay on roads that mentions tar, with a ruled census table of population by year and a recipe
    table whose header reads like an inventory's."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    st = getSampleStyleSheet()
    story = [Paragraph("A short history of the county roads", st["Title"]),
             Paragraph("In 1921 the county council sealed the main street with tar, and the TAR crew of the works "
                       "department (the Tar and Asphalt Repairs gang) kept it smooth for decades. Tar roads "
                       "replaced the dust of the old tracks; the towns along them grew as the census shows.",
                       st["BodyText"]),
             Spacer(1, 12),
             Paragraph("Table 1 Population of the towns at each census", st["BodyText"])]
    rows = [["Town", "1991", "2001", "2011", "2021"],
            ["Ashford", "52,002", "58,936", "67,528", "74,204"],
            ["Bexley", "41,330", "43,118", "45,902", "48,771"],
            ["Carlow", "12,455", "13,006", "15,221", "16,873"]]
    # a recipe scaled for a bigger batch: 'Name | Amount | Factor' reads as an inventory header, with no stage
    scaled = [["Name", "Amount", "Factor"], ["Flour", "500", "1.5"], ["Water", "350", "1.5"], ["Salt", "10", "1.2"],
              ["Yeast", "7", "1.0"]]
    for grid in (rows, scaled):
        t = Table(grid)
        t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
        story += [t, Spacer(1, 12)]
    SimpleDocTemplate(str(path), pagesize=A4).build(story)


def test_tar_roads_and_a_census_make_no_claims(here):
    path = here / "roads.pdf"
    _essay_pdf(path)
    code, out, err = run_cli("extract", path.name, cwd=here)
    assert code == 0, err
    rep = json.loads(out)
    assert rep["metadata"].get("gwp_source") is None         # 'tar' / 'TAR' with no GWP/IPCC near is no IPCC TAR
    assert rep["factor_tables"] == []                     # year columns of a census are no emission factors
    code, out, err = run_cli("check", path.name, "--format", "json", cwd=here)
    rec = only_report(out)
    assert rec["status"] == "ok"
    # a document found to be no PCF report gets that one finding, not the noise of what could not be read of it
    assert [f["rule"] for f in rec["findings"]] == ["EXT001"]
    assert "does not look like a carbon-footprint report" in rec["findings"][0]["message"]


def test_ipcc_tar_near_gwp_still_counts(here):
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    path = here / "gwp.pdf"
    SimpleDocTemplate(str(path), pagesize=A4).build([Paragraph(
        "Greenhouse gases are weighted with the 100-year GWP values of the IPCC TAR (2001).",
        getSampleStyleSheet()["BodyText"])])
    code, out, err = run_cli("extract", path.name, cwd=here)
    assert code == 0, err
    assert json.loads(out)["metadata"]["gwp_source"]["text"].startswith("IPCC TAR")


def test_unknown_security_handler_is_named(tmp_path):
    """An encryption no reader here opens says which one (handler, version, revision, crypt method) instead of
    pdfium's 'Failed to load document (PDFium: Success)'."""
    import io
    import json
    import subprocess
    import sys

    from pypdf import PdfWriter

    from auditor.read.pdfium import encryption_summary

    w = PdfWriter()
    w.add_blank_page(200, 200)
    w.encrypt("pw", algorithm="AES-128")
    buf = io.BytesIO()
    w.write(buf)
    data = buf.getvalue().replace(b"/Filter /Standard", b"/Filter /FooSec ")
    assert encryption_summary(data) == "/Filter /FooSec, /V 4, /R 4, /Length 128, /CFM /AESV2"
    assert encryption_summary(b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF") is None
    p = tmp_path / "r4.pdf"
    p.write_bytes(data)
    proc = subprocess.run([sys.executable, "-m", "auditor", "check", str(p), "-f", "json"], capture_output=True,
                          text=True)
    rec = json.loads(proc.stdout)["reports"][0]
    assert proc.returncode == 2 and rec["error"]["code"] == "encrypted"
    assert "/Filter /FooSec" in rec["error"]["message"] and "/R 4" in rec["error"]["message"]
    assert "PDFium: Success" not in proc.stderr
