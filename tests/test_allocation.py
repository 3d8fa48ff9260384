"""Allocation and data-period rules (CON009-CON012) on real PDF readings: small reportlab PDFs with a failing and
a passing text each."""
from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from auditor.api import audit

HEAD = ["产品碳足迹评价报告", "产品名称：智能型综合配电箱", "2025 年全年共计产量 7500 台。"]


def pdf(tmp_path: Path, lines: list[str]) -> Path:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = tmp_path / "r.pdf"
    c = canvas.Canvas(str(out), pagesize=A4)
    c.setFont("STSong-Light", 10)
    y = 800
    for ln in lines:
        c.drawString(50, y, ln)
        y -= 18
    c.save()
    return out


def codes(path: Path) -> list[str]:
    return [f.rule for f in audit(path).findings]


CASES = [
    ("CON009", ["产品A 分配系数 62.5%，产品B 37.5%。", "数据统计周期 2025-01-01 至 2025-12-31"],
     ["本评价根据实际情况采用以产品产量等物理因果关系为基准来进行分配。", "产品A 分配系数 62.5%，产品B 37.5%。",
      "数据统计周期 2025-01-01 至 2025-12-31"]),
    ("CON010", ["本评价采用质量分配。", "产品A 分配系数 62.5%，产品B 40.5%。"],
     ["本评价采用质量分配。", "产品A 分配系数 62.5%，产品B 37.5%。"]),
    ("CON011", ["本评价采用物理因果关系分配，按年产量 8000 台分配。"],
     ["本评价采用物理因果关系分配，按年产量 7500 台分配。"]),
    ("CON012", ["数据统计周期 2025-01-01 至 2025-06-30"], ["数据统计周期 2025-01-01 至 2025-12-31"]),
]


@pytest.mark.parametrize("code,failing,passing", CASES, ids=[c[0] for c in CASES])
def test_rule_on_pdf(tmp_path, code, failing, passing):
    (tmp_path / "f").mkdir()
    (tmp_path / "p").mkdir()
    assert code in codes(pdf(tmp_path / "f", HEAD + failing))
    assert code not in codes(pdf(tmp_path / "p", HEAD + passing))


def test_seed_declaration_is_the_sentence_about_this_study():
    from auditor.extract.allocation import allocation
    from auditor.numbers import fold
    from auditor.read.document import TextFlow

    seed = ("当前有不同的方式来完成分配，主要有：\n(1) 避免分配；(2) 扩大系统边界；(3) 以物理因果关系为基准分配环境负荷；"
            "(4) 使用社会经济学分配基准。\n由于各车间用电量未按产品及工序分开统计，因此本评价根据实际情况采用以产品产量等物理因果"
            "关系为基准来进行分配。")
    a = allocation(TextFlow(fold(seed)))
    assert a.method == "physical" and "本评价" in a.method_text.text
    assert allocation(TextFlow("This study uses economic allocation based on revenue.")).method == "economic"
    assert allocation(TextFlow("Allocation was avoided by system expansion in this study.")).method == "avoided"
    en = allocation(TextFlow("Allocation factors: product A 0.625, product B 0.375."))
    assert [(f.product, f.value.text) for f in en.factors] == [("product A", "0.625"), ("product B", "0.375")]


@pytest.mark.parametrize("name,start,end", [("tpl-annual-zh-docx.pdf", "2024-01-01", "2024-12-31"),
                                            ("tpl-transport-zh-docx.pdf", "2024-01-01", "2024-12-31"),
                                            ("tpl-study-en-docx.pdf", "2024-01-01", "2024-12-31")])
def test_template_data_periods_and_allocation_are_read(name, start, end):
    """'核算期：2024 年 1 月 1 日至 12 月 31 日' (the end takes the start's year), '时间范围：...', 'Primary data for 2024'
    are twelve-month periods; '2.5 分配：... 按本产品 2024 年年产量折算' declares physical allocation."""
    from auditor.api import parse
    from tests.conftest import FIXTURES

    r = parse(FIXTURES / name, ocr="off")
    assert (str(r.metadata.data_period_start), str(r.metadata.data_period_end)) == (start, end)
    if "annual" in name:
        assert r.allocation.method == "physical"
