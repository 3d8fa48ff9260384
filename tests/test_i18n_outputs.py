"""The outputs in the reader's language: a Chinese report gets Chinese findings without asking, an English study
English ones; --lang and the configuration choose; every format a person reads speaks the language; the HTML page
and the annotated PDF carry the glyphs of their Chinese text."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from auditor import i18n

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "pdf" / "seed-docx.pdf"
STUDY = ROOT / "fixtures" / "pdf" / "tpl-study-en-reportlab.pdf"
CJK = re.compile(r"[\u4e00-\u9fff]")
# the seed's summary quotes raw-material acquisition as 81.9886 where the tables print 81.9386
SUMMARY_ZH = re.compile(r"原材料获取：摘要（第(\d+)页）写的是 81\.9886，但.*均为 81\.9386")


def run(*args: str, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    e = {k: v for k, v in os.environ.items() if k != "AUDITOR_LANG"}   # the reader has no default of their own
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "auditor.cli", *args], capture_output=True, text=True, env=e,
                          cwd=cwd or ROOT, timeout=300)


@pytest.fixture(scope="module")
def seed_json_default():
    res = run("check", str(SEED), "--format", "json")
    assert res.returncode == 1, res.stderr
    return json.loads(res.stdout)["reports"][0]


def test_a_chinese_report_gets_chinese_findings_without_asking(seed_json_default):
    rep = seed_json_default
    assert rep["lang"] == "zh"
    quote = next(f for f in rep["findings"] if f["rule"] == "ARI004")
    m = SUMMARY_ZH.search(quote["message"])
    assert m, quote["message"]
    assert int(m.group(1)) == quote["location"]["page"]
    # programs match on the id and the parameters, never on the words
    assert quote["message_id"] == "ARI004.mismatch-why"
    assert quote["params"]["stated"] == "81.9886" and quote["params"]["value"] == "81.9386"
    assert CJK.search(rep["opinion"]["reason"])


def test_the_text_output_prints_the_summary_mismatch_in_chinese():
    res = run("check", str(SEED))
    assert res.returncode == 1
    assert SUMMARY_ZH.search(res.stdout), res.stdout[:2000]
    assert "核查结论" in res.stdout and "错误（" in res.stdout


def test_an_english_study_gets_english_findings():
    res = run("check", str(STUDY), "--format", "json")
    rep = json.loads(res.stdout)["reports"][0]
    assert rep["lang"] == "en" and rep["findings"]
    for f in rep["findings"]:
        if f["message_id"]:
            assert f["message"] == i18n.render_msg(f["message_id"], f["params"], "en")


def test_lang_flag_and_configuration_choose(tmp_path):
    en = json.loads(run("check", str(SEED), "--format", "json", "--lang", "en").stdout)["reports"][0]
    quote = next(f for f in en["findings"] if f["rule"] == "ARI004")
    assert en["lang"] == "en" and "the summary" in quote["message"] and "states 81.9886" in quote["message"]
    (tmp_path / "auditor.toml").write_text('lang = "en"\n')
    cfg = json.loads(run("check", str(SEED), "--format", "json", "--config", str(tmp_path / "auditor.toml"))
                     .stdout)["reports"][0]
    assert cfg["lang"] == "en"
    # the flag beats the configuration, the configuration beats the reader's default
    zh = json.loads(run("check", str(SEED), "--format", "json", "--config", str(tmp_path / "auditor.toml"),
                        "--lang", "zh").stdout)["reports"][0]
    assert zh["lang"] == "zh"
    env = json.loads(run("check", str(STUDY), "--format", "json", env={"AUDITOR_LANG": "zh"}).stdout)["reports"][0]
    assert env["lang"] == "zh"


def test_an_unknown_language_is_bad_usage(tmp_path):
    res = run("check", str(SEED), "--lang", "fr")
    assert res.returncode == 2 and "no catalogue for language 'fr'" in res.stderr and "en, zh" in res.stderr
    (tmp_path / "auditor.toml").write_text('lang = "xx"\n')
    res = run("check", str(SEED), "--config", str(tmp_path / "auditor.toml"))
    assert res.returncode == 2 and "lang" in res.stderr


def test_the_same_result_renders_in_both_languages(seed_json_default):
    """A stored result (the batch database, the JSON) renders again in any language from its ids."""
    from auditor.model import ReportResult

    rep = ReportResult.model_validate(seed_json_default)
    en = i18n.localize(rep.model_copy(deep=True), "en")
    zh = i18n.localize(rep.model_copy(deep=True), "zh")
    for fe, fz in zip(en.findings, zh.findings, strict=True):
        if fe.message_id:
            assert fe.message != fz.message
    assert "nonconformity" in en.opinion.reason and "不符合" in zh.opinion.reason
    assert en.opinion.steps != zh.opinion.steps


@pytest.mark.parametrize("fmt", ["markdown", "junit", "sarif", "github"])
def test_every_format_speaks_chinese(fmt):
    res = run("check", str(SEED), "--format", fmt)
    assert res.returncode == 1
    assert "81.9886" in res.stdout and SUMMARY_ZH.search(res.stdout), fmt
    words = {"markdown": ["核查结论", "按阶段列出的核查发现", "陈述值"], "junit": ["错误", "应为"],
             "sarif": ["可能原因"], "github": ["核查结论"]}[fmt]
    for w in words:
        assert w in res.stdout, (fmt, w)
    if fmt == "sarif":
        doc = json.loads(res.stdout)
        assert doc["runs"][0]["language"] == "zh-CN"
        rules = doc["runs"][0]["tool"]["driver"]["rules"]
        assert all(CJK.search(r["shortDescription"]["text"]) for r in rules if r["id"] in ("ARI001", "ARI004"))


def test_html_shows_chinese_without_a_chinese_font(tmp_path):
    out = tmp_path / "seed.html"
    res = run("check", str(SEED), "--format", "html", "-o", str(out))
    assert res.returncode == 1, res.stderr
    page = out.read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in page
    assert SUMMARY_ZH.search(page)
    face = re.search(r"@font-face\{font-family:AuditorCJK;src:url\(data:font/ttf;base64,([A-Za-z0-9+/=]+)\)", page)
    assert face, "the page embeds its Chinese glyphs"
    import base64
    import io

    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(base64.b64decode(face.group(1))))
    cmap = font.getBestCmap()
    chinese = {ch for ch in re.sub(r"<[^>]+>", "", page) if "\u4e00" <= ch <= "\u9fff"}
    assert chinese and all(ord(ch) in cmap for ch in chinese if ch.encode("gb2312", "ignore"))


def test_annotated_copy_writes_the_finding_in_chinese_with_its_own_font(tmp_path):
    import pdfplumber
    from pypdf import PdfReader

    res = run("check", str(SEED), "--annotate", str(tmp_path / "out"), "-q")
    assert res.returncode == 1, res.stderr
    copy = tmp_path / "out" / SEED.name
    texts = []
    with pdfplumber.open(copy) as pdf:
        for page in pdf.pages:
            texts += [a.get("contents") or "" for a in page.annots]
    assert any(SUMMARY_ZH.search(t) for t in texts)
    reader = PdfReader(str(copy))
    fonts = []
    for page in reader.pages:
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            if annot.get("/Subtype") == "/FreeText":
                ap = annot["/AP"]["/N"].get_object()
                fonts.append(ap["/Resources"]["/Font"]["/F1"].get_object())
    assert fonts
    font = fonts[0]
    assert font["/Subtype"] == "/Type0" and font["/Encoding"] == "/Identity-H" and "/ToUnicode" in font
    descendant = font["/DescendantFonts"][0].get_object()
    assert "/FontFile2" in descendant["/FontDescriptor"].get_object()   # embedded: no viewer font needed


def test_rules_and_explain_in_chinese():
    res = run("explain", "ARI004", "--lang", "zh")
    assert res.returncode == 0 and "类别" in res.stdout
    res = run("rules", "--lang", "zh", "--format", "json")
    items = json.loads(res.stdout)
    assert len(items) > 40


def test_batch_summary_in_chinese(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "seed.pdf").write_bytes(SEED.read_bytes())
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n")
    res = run("batch", str(folder), "--db", str(tmp_path / "r.sqlite"), "--lang", "zh", "-j", "1", cwd=tmp_path)
    assert res.returncode == 2, res.stderr
    out = res.stdout
    assert "个文件" in out and "核查结论：" in out and "不符合标准" in out and "未能核查的文件（1）" in out
    assert "退出码 2：1 个文件无法核查" in out


def test_annotate_line_in_chinese(tmp_path):
    res = run("check", str(SEED), "--annotate", str(tmp_path / "out"), "--format", "json")
    assert "已在" in res.stderr and "批注副本" in res.stderr
