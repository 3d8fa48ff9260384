"""Numbers and facts from running text, with `regex`, keeping where each was printed."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .. import regexes as regex
from ..model import BoundaryClaim, FactorMention, QuotedValue, StageDeclaration, StageRef, Text
from ..numbers import NUMBER, parse_number
from ..read.document import TextFlow
from ..units import activity_unit, emission_unit, factor_unit
from ..vocab import claim_terms, match_stage, norm, resolve_order, stage_in, vocab
from .tables import make_quantity

NUM = rf"(?:{NUMBER})"
# (OCR: the subscript 2 read as z or >, eq as ea/ed)
UNIT_EMIS = (r"(?:(?:kg|t|g)\s*CO\s*[2z>]?\s*(?:-?\s*e(?:q(?:uivalent)?|[ad]\b)?)?\.?|千克二氧化碳当量|吨二氧化碳当量|"
             r"千克CO2当量|kgCO2当量)")
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december"]
MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|" \
        r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
DATE = (r"(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}|"
        rf"(?i:\d{{1,2}}\s+{MONTH}\s+\d{{4}}|{MONTH}\s+\d{{1,2}},?\s+\d{{4}}))")
DATE_RE = regex.compile(r"(\d{4})\s*(?:年|[-/.])\s*(\d{1,2})\s*(?:月|[-/.])\s*(\d{1,2})")
DATE_DMY_RE = regex.compile(rf"(?i)(\d{{1,2}})\s+({MONTH})\s+(\d{{4}})")
DATE_MDY_RE = regex.compile(rf"(?i)({MONTH})\s+(\d{{1,2}}),?\s+(\d{{4}})")
CN_NUM = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7}
EN_ORD = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7}
AR_NAMES = {1: "FAR", 2: "SAR", 3: "TAR", 4: "AR4", 5: "AR5", 6: "AR6", 7: "AR7"}


def _month(name: str) -> int:
    n = name.lower().rstrip(".")[:3]
    return next(i + 1 for i, m in enumerate(MONTHS) if m.startswith(n))


def parse_date(text: str) -> date | None:
    """'2026年05月26日', '2026-05-26', '26 May 2026', 'May 26, 2026' -> a date."""
    m = DATE_RE.search(text)
    try:
        if m:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = DATE_DMY_RE.search(text)
        if m:
            return date(int(m.group(3)), _month(m.group(2)), int(m.group(1)))
        m = DATE_MDY_RE.search(text)
        if m:
            return date(int(m.group(3)), _month(m.group(1)), int(m.group(2)))
    except ValueError:
        return None
    return None


def _numbered_heading(t: str) -> bool:
    """'3.2.2 系统边界', '5 Carbon footprint calculation': a short numbered line, not a sentence and not the tail
    of a wrapped sentence that happens to start with a number ('95 according to ISO 14067:2018.')."""
    m = regex.match(r"^(\d+)(\.\d+)*\.?\s*([\p{Han}A-Za-z])[^。，,]{0,30}$", t) or \
        regex.match(r"^(\d+)(\.\d+)+\.?\s*([A-Z])[^。，,;:]{0,55}$", t)   # '2.3 Energy at the plant (Scope 1 and 2)"
    if not m or regex.search(r"\.{4,}", t) or int(m.group(1)) > 30:
        return False
    if regex.search(r"[.。;；:：,，]$", t):
        return False
    return not (m.group(3).isascii() and m.group(3).islower())


def _cn_numbered_heading(t: str) -> bool:
    """'一、报告摘要', '五、结论': a Chinese-numbered heading, short and without sentence punctuation."""
    return bool(regex.fullmatch(r"[一二三四五六七八九十]{1,3}\s*、\s*\p{Han}[\p{Han}A-Za-z与和及、 ]{0,14}", t))


@dataclass
class Sections:
    """Headings found in the prose, to tell which part of the report a position lies in."""

    marks: list[tuple[int, str]]   # (position in flow, heading text)

    @staticmethod
    def find(flow: TextFlow) -> Sections:
        marks = []
        pos = 0
        for line in flow.text.split("\n"):
            t = line.strip()
            if regex.fullmatch(r"(摘\s*要|summary|executive summary|abstract|结\s*论|conclusions?)", t, regex.I) or \
                    _numbered_heading(t) or _cn_numbered_heading(t):
                marks.append((pos, t))
            pos += len(line) + 1
        return Sections(marks)

    def heading_at(self, pos: int) -> str | None:
        h = None
        for p, t in self.marks:
            if p > pos:
                break
            h = t
        return h

    def place(self, pos: int) -> str:
        h = self.heading_at(pos)
        if h is None:
            return "cover"
        hn = norm(h)
        if regex.search(r"(摘要|summary|abstract)", hn):
            return "summary"
        if regex.search(r"(系统边界|systemboundar)", hn):
            return "boundary_section"
        if regex.search(r"(结论|conclusion)", hn):
            return "conclusion"
        if regex.search(r"(计算结果|results?|碳足迹计算)", hn):
            return "results_text"
        if regex.match(r"^\d+\.\D", h.strip()) and not regex.match(r"^\d+\.\d", h.strip()):
            return "cover"   # "3.评价过程中需要特别说明的问题描述" and the like, before the summary
        return "other"


def _line_flows(flow: TextFlow):
    """Each printed line as (start offset, line text)."""
    pos = 0
    for line in flow.text.split("\n"):
        yield pos, line
        pos += len(line) + 1


# ---------------------------------------------------------------- cover fields



# another label on the same line ends a value: '报告编号：CFP-2025-789 版本：A/1', 'Report number: X  Version: 2'
NEXT_LABEL = regex.compile(r"\s*(?:报告版本|版本号?|版次|修订号|(?<![A-Za-z])(?:version|rev(?:ision)?\.?)(?![A-Za-z]))\s*[：:]|"
                           r"\s+\p{Han}{2,8}\s*[：:]|\s{2,}[A-Za-z][A-Za-z ]{1,20}:", regex.I)
# 'TerraShelf modular steel shelving unit, model T-800': a model printed in the product line
PRODUCT_MODEL = regex.compile(r"^(?P<product>.*?\S)\s*[,，]?\s*(?:[（(]\s*)?(?:(?<![A-Za-z])model|型号)\s*[：:]?\s*"
                              r"(?P<model>[A-Za-z0-9][A-Za-z0-9\-_./]*)\s*[)）]?\s*$", regex.I)


def field_value(text: str) -> str:
    """A field's value without the next label printed on its line."""
    m = NEXT_LABEL.search(text)
    return text[:m.start()].strip() if m and m.start() > 0 else text.strip()


def cover_fields(flow: TextFlow) -> dict[str, Text]:
    """'产品名称：...', 'Report number: ...': labels at the start of a line (a 'model' in the middle of a sentence,
    'a Euro VI 40 t articulated truck model', is no label)."""
    out: dict[str, Text] = {}
    for start, line in _line_flows(flow):
        for key, pat in vocab().cover_fields.items():
            if key in out:
                continue
            m = regex.match(rf"^\s*{pat}\s*[：:]\s*(.+?)\s*$", line, regex.I)
            if m:
                value = field_value(m.group(1))
                if not value:
                    continue
                a = start + m.start(1)
                out[key] = Text(text=value, location=flow.location(a, a + len(value)))
    split_model(out)
    return out


def split_model(fields: dict[str, Text]) -> None:
    """'… shelving unit, model T-800' read as the product: the product and its model, when no model was read."""
    if "product" in fields and "model" not in fields:
        pm = PRODUCT_MODEL.match(fields["product"].text)
        if pm:
            loc = fields["product"].location
            fields["product"] = Text(text=pm.group("product"), location=loc)
            fields["model"] = Text(text=pm.group("model"), location=loc)


# ---------------------------------------------------------------- quoted values

# a number as printed in running text, also with the spaces some producers put around its separators
# ("143 . 42", "- 63 . 55", "2 , 000" in Word exports)
NUM_S = r"(?<![\dA-Za-z.])(?:[-−–+]\s?)?(?:\d{1,3}(?:\s?,\s?\d{3})+|\d+)(?:\s?\.\s?\d+)?(?![\d])"
# the unit a footprint is expressed per: '/t', '/台', 'per unit', 'per m2' (not '/kWh' or '/(t·km)': factors)
PER = (r"(?:\s*(?:/|per\s+)\s*(?P<per>台|件|套|个|块|只|樘|吨|t|kg|千克|m2|m²|㎡|平方米|m3|m³|立方米|"
       r"(?:functional|declared)\s+unit|unit|piece|pc|tonne|ton|FU)(?![A-Za-z0-9·/²³]|\.[A-Za-z]))")
# 'kgCO2e/kWh': a factor, not a footprint (nor kgCO2 followed by 'e/kWh'); 'tCO2e/年产量' (a division in a sentence,
# its spaces lost by OCR) is a total
NOT_PER = r"(?![A-Za-z0-9₂]*/\s*(?:[A-Za-z0-9(（\[·]|吨|千克|克|台|件|套|个|只|块|度|千瓦时|立方|平方|公里|米|升|单位))"
UNIT_Q = rf"(?P<unit>{UNIT_EMIS}){PER}?{NOT_PER}"
PCT_AFTER = (rf"(?:\s*[（(]\s*(?:占比?|约)?\s*(?P<pct>{NUM_S})\s*%\s*[)）]"
             rf"|\s*[，,]\s*占(?:比|总排放量?的?|总量的?|碳足迹的?)?\s*(?:为|约)?\s*(?P<pct>{NUM_S})\s*%)?")
ZH_KEYWORD = r"(?:年?(?:碳)?排放总量|总排放量|碳排放量?|碳足迹值?|碳足迹结果|温室气体排放量?|排放量?|贡献)"
QUOTE_RE = regex.compile(
    rf"(?P<subject>[^，,；;。：:!?！？\n]{{1,80}}?)\s*(?:的)?\s*(?P<kw>{ZH_KEYWORD})?"
    rf"\s*(?P<verb>为|是|：|:|达到|合计|约为|共计)?\s*(?P<num>{NUM_S})\s*{UNIT_Q}{PCT_AFTER}",
    regex.I,
)
# '其中产品生产阶段占比最大（51.48%），为 181.46 kgCO₂e': the share first, then (perhaps) the value
PCT_FIRST_RE = regex.compile(
    rf"(?P<subject>[^，,；;。：:!?！？\n]{{1,60}}?)\s*(?:的)?\s*(?:碳排放|排放)?\s*(?P<kw>占比最[大高]|贡献最[大高])\s*"
    rf"[（(]\s*(?P<pct>{NUM_S})\s*%\s*[)）]"
    rf"(?:\s*[，,]\s*(?:为|是|达|排放量?为?|碳排放量?为?)\s*(?P<num>{NUM_S})\s*{UNIT_Q})?",
    regex.I,
)
# '产品生产阶段占 4.51%': a share alone
PCT_ONLY_ZH_RE = regex.compile(
    rf"(?P<subject>[^，,；;。：:!?！？\n（(]{{1,40}}?)\s*(?:的)?\s*(?:碳排放|排放)?\s*"
    rf"(?P<kw>占(?:比|总排放量?的?|总量的?|碳足迹的?)?)\s*(?:为|约)?\s*(?P<pct>{NUM_S})\s*%",
)
CJK_CHAR = regex.compile(r"\p{Han}")
CONTRIBUTES = regex.compile(r"贡献|contribut|accounts?\s+for|adds", regex.I)
TOTAL_SUBJECT = regex.compile(r"产品|碳足迹|总|合计|全部|整体|total|overall|footprint|product|all\s+stages|in\s+all", regex.I)
EN_SUBJECT = r"(?P<subject>[A-Za-z][A-Za-z0-9 ()\-–/&]{1,70}?)"
QUOTE_EN_RE = regex.compile(
    rf"{EN_SUBJECT}\s+(?:stage\s+)?(?P<kw>contributes|contribute|accounts? for|emits|adds|amounts? to|"
    rf"emissions(?: are| of)?|is|are|:)\s*(?P<num>{NUM_S})\s*{UNIT_Q}(?:\s*\(\s*(?P<pct>{NUM_S})\s*%\s*\))?",
    regex.I,
)
# ', manufacturing (A3) 10.80 kg CO2e (7.5%)': the next stage of a list, without a verb (no space after the
# bracket, as OCR reads it now and then: '(A3)10.80')
LIST_EN_RE = regex.compile(
    rf"(?<=[,;]\s?|\band\s)\s*{EN_SUBJECT}(?:\s+|(?<=\)))(?P<num>{NUM_S})\s*{UNIT_Q}(?:\s*\(\s*(?P<pct>{NUM_S})\s*%\s*\))?",
    regex.I,
)
# 'A1-A3 account for 87.9% of the total'
PCT_ONLY_EN_RE = regex.compile(
    rf"{EN_SUBJECT}\s+(?P<kw>accounts? for|contributes?|represents?|makes? up|is responsible for)\s+"
    rf"(?P<pct>{NUM_S})\s*%\s+of\s+the\s+(?:total|(?:product\s+)?carbon\s+footprint|footprint|GWP)",
    regex.I,
)
TOTAL_EN_RE = regex.compile(
    rf"(?:carbon footprint|total (?:GHG )?emissions|CFP)[^.]{{0,80}}?\b(?:is|of|was|=|:)\s*(?P<num>{NUM_S})\s*{UNIT_Q}",
    regex.I,
)
# '... (79.8%) of the 143.42 kg CO2e total'
OF_TOTAL_EN_RE = regex.compile(rf"\bof\s+the\s+(?P<num>{NUM_S})\s*{UNIT_Q}\s+total\b", regex.I)
# '年排放总量 45,310.20 tCO₂e / 年产量 18,000 t = 2.5172 tCO₂e/t': the per-unit footprint a division gives
FORMULA_RE = regex.compile(
    rf"(?P<subject>(?:[^，,；;。!?！？\n=]|(?<=\d),(?=\d)){{0,80}}?/(?:[^，,；;。!?！？\n=]|(?<=\d),(?=\d)){{1,40}}?)[=＝]\s*(?P<num>{NUM_S})\s*(?P<unit>{UNIT_EMIS})"
    rf"{PER}{NOT_PER}", regex.I)

# "杭州聚昕科技有限公司生产的 1 台智能型综合配电箱 JP 94.4311 kgCO₂ eq": the functional unit, then its value
FU_VALUE_RE = regex.compile(
    rf"(?<![\d.])(?P<subject>1\s*(?:[\p{{Han}}]{{1,2}}|unit|piece|set|kg|t|km)\s*[^，,；;。：:\d]{{1,60}}?)\s+"
    rf"(?P<num>{NUM})\s*(?P<unit>{UNIT_EMIS})(?![\w/])",
    regex.I,
)

# '每吨产品的碳足迹为 352.49 kgCO₂e': the words say what the value is per, the unit does not
PER_WORDS = [(regex.compile(r"每\s*吨|per\s+tonne|per\s+ton\b", regex.I), "t"),
             (regex.compile(r"每\s*[台件套个只]|per\s+(?:unit|piece)\b", regex.I), "unit"),
             (regex.compile(r"每\s*(?:平方米|m2|㎡)|per\s+(?:m2|square\s+met)", regex.I), "m2")]


def _number(text: str):
    return parse_number(regex.sub(r"\s+", "", text).replace("−", "-").replace("–", "-"))


def _quote_unit(m, subject: str) -> tuple[str | None, str, str | None]:
    """(normalised unit, unit as printed, note): kgCO2e, or tCO2e/t when a per-unit footprint."""
    printed = m.group("unit").strip()
    eu = emission_unit(printed)
    per = m.groupdict().get("per")
    if per:
        full = m.group(0)[m.start("unit") - m.start():m.end("per") - m.start()].strip()
        fu = factor_unit(full)
        if fu is not None:
            return fu.text, full, None
        au = activity_unit(per)
        return (f"{eu.text}/{au[0] if au else per}" if eu else None), full, None
    if eu is None:
        return None, printed, None
    for rx, unit in PER_WORDS:
        if rx.search(subject):
            return f"{eu.text}/{unit}", printed, f"per {unit}: the text says so ('{rx.search(subject).group(0)}')"
    return eu.text, printed, None


def quoted_values(flow: TextFlow, sections: Sections) -> list[QuotedValue]:
    """'其中原辅料获取阶段碳排放为 81.9886 kgCO₂ eq (86.77%)' -> a quote of a stage value with its percent.
    A share printed without its value ('A1-A3 account for 87.9% of the total') is a quote whose value is the share
    (unit %) and whose percent is None, and it names its stage without a canonical stage: the model has no share
    without a value, and the rules that compare quoted values must not take it for one."""
    j = flow.joined()
    out: list[tuple[int, QuotedValue]] = []
    seen: set[tuple[int, int]] = set()
    seen_pct: set[tuple[int, int]] = set()
    # (pattern, whether a match without a word for emissions must name a stage)
    passes = [(QUOTE_RE, True), (PCT_FIRST_RE, True), (QUOTE_EN_RE, False), (TOTAL_EN_RE, False),
              (OF_TOTAL_EN_RE, False), (FORMULA_RE, False), (LIST_EN_RE, True), (FU_VALUE_RE, False),
              (PCT_ONLY_ZH_RE, True), (PCT_ONLY_EN_RE, True)]
    values = [m.span("n") for m in CANDIDATE_VALUE.finditer(j.text)]
    pcts = [m.span("n") for m in CANDIDATE_PCT.finditer(j.text)]
    for rx, stage_needed_without_kw in passes:
        key = "pct" if rx in (PCT_FIRST_RE, PCT_ONLY_ZH_RE, PCT_ONLY_EN_RE) else "num"
        for m in _matches(rx, j.text, key, pcts if key == "pct" else values,
                          zh_subject=rx in (QUOTE_RE, PCT_FIRST_RE, PCT_ONLY_ZH_RE)):
            gd = m.groupdict()
            has_num = gd.get("num") is not None
            span = m.span("num") if has_num else m.span("pct")
            if span in seen or span in seen_pct:
                continue
            if gd.get("pct") is not None and m.span("pct") in seen_pct:
                continue
            subject = _after_heading(flow, j, sections, m)
            if rx is QUOTE_RE and not gd.get("kw") and not CJK_CHAR.search(subject):
                continue   # 'Raw material supply (A1) contributes 114.39 kg CO2e': the English patterns read it
            stage = _subject_stage(subject)
            keyword = bool(gd.get("kw")) if "kw" in gd else True
            if stage is None and CONTRIBUTES.search(gd.get("kw") or "") and not TOTAL_SUBJECT.search(subject):
                continue   # '其中热轧带钢贡献 2,136.10 kgCO₂e': one item's contribution, not the product total
            if stage is None and (stage_needed_without_kw and not keyword or rx is not QUOTE_RE and
                                  stage_needed_without_kw):
                m.rejected = True   # 'X 12.3 kgCO2e' with no word for emissions: a quote only when X is a stage
                continue
            pct = None
            if gd.get("pct"):
                pp = _number(m.group("pct"))
                if pp is not None:
                    pspan = m.span("pct")
                    pct = make_quantity(pp, j.location(*pspan), unit="%", shown=pp.text + "%",
                                        conf=j.confidence(*pspan))
            if has_num:
                p = _number(m.group("num"))
                if p is None:
                    continue
                unit, unit_text, note = _quote_unit(m, subject)
                q = make_quantity(p, j.location(*span), unit=unit, unit_text=unit_text, unit_note=note,
                                  conf=j.confidence(*span))
            else:
                if pct is None or stage is None:
                    continue
                q, pct = pct, None
                stage = StageRef(name=stage.name, canonical=None, score=stage.score)
            seen.add(span)
            if gd.get("pct") is not None:
                seen_pct.add(m.span("pct"))
            if stage is not None:
                stage.location = j.location(*m.span("subject"))
            place = sections.place(_line_pos(flow, j, span[0]))  # where the number is, not the subject
            out.append((span[0], QuotedValue(
                place=place if place in ("summary", "cover", "results_text", "conclusion") else "other",
                stage=stage, value=q, percent=pct, text=_quote_text(j, m, subject))))
    return [qv for _, qv in sorted(out, key=lambda x: x[0])]   # in reading order


class _Match:
    """A match the caller may reject; a rejected match whose subject holds a list or quotation mark is tried
    again from just after it (the subject's tail may name a stage: '…、…运输相关排放（原材料运输与产品分销）合计')."""

    def __init__(self, m):
        self.m = m
        self.rejected = False

    def __getattr__(self, name):
        return getattr(self.m, name)


# where quotes can be: a number with an emission unit, or with a percent sign. Each pattern is tried only in a window
# around them (its lazy subject makes a search over the whole text slow)
CANDIDATE_VALUE = regex.compile(rf"(?P<n>{NUM_S})\s*(?:{UNIT_EMIS}){PER}?{NOT_PER}", regex.I)
CANDIDATE_PCT = regex.compile(rf"(?P<n>{NUM_S})\s*%")
BEFORE, AFTER = 120, 90


SUBJECT_STOPS = "，,；;。：:!?！？\n"


def _matches(rx, text: str, key: str, candidates: list[tuple[int, int]], zh_subject: bool = False):
    """Matches of rx whose `key` group (num or pct) is one of the candidate spans, leftmost start first.
    zh_subject: the pattern starts with a subject that holds none of ，,；;。：:!?！？ (nor a line break), so no match
    starts before the last of them ahead of the candidate."""
    for c0, c1 in candidates:
        pos, end = max(0, c0 - BEFORE), min(len(text), c1 + AFTER)
        if zh_subject:
            e = c0          # the colon of '碳足迹：1.9183' is the pattern's verb, not the end of a subject
            while e > pos and text[e - 1].isspace():
                e -= 1
            if e > pos and text[e - 1] in "：:":
                e -= 1
            pos = max(pos, max(text.rfind(ch, pos, e) for ch in SUBJECT_STOPS) + 1)
        while pos <= c0:
            m = rx.search(text, pos, end)
            if m is None:
                break
            k = m.span(key) if m.groupdict().get(key) is not None else None
            if k is None or k[0] < c0:
                pos = max(m.end(), m.start() + 1) if k is None or k[1] <= c0 else m.start() + 1
                continue
            if k[0] > c0:
                break
            w = _Match(m)
            yield w
            if not w.rejected:
                break
            # a later start helps only past what made the whole subject fail: a list mark or a quotation mark
            subject = m.groupdict().get("subject") or ""
            i = max(subject.rfind(c) for c in "、“”\"")
            if i < 0:
                break
            pos = m.start("subject") + i + 1


def _after_heading(flow: TextFlow, j: TextFlow, sections: Sections, m) -> str:
    """The subject of a match, starting after a heading line it runs on from in the joined text
    ('5 Interpretation and conclusions Raw material supply (A1) contributes ...')."""
    subject = (m.groupdict().get("subject") or "")
    if not subject:
        return ""
    heads = [(p, h) for p, h in sections.marks if h[-min(len(h), 12):] in subject]
    if not heads:
        return subject.strip()
    a, b = m.span("subject")
    la, lb = _line_pos(flow, j, a), _line_pos(flow, j, max(a, b - 1))
    for p, h in heads:
        if la <= p + len(h) - 1 < lb:
            k = subject.rfind(h[-min(len(h), 12):])
            if k >= 0:
                subject = subject[k + min(len(h), 12):]
    return subject.strip()


def _quote_text(j: TextFlow, m, subject: str) -> str:
    if m.groupdict().get("subject") is None:
        return m.group(0).strip()
    return (subject + j.text[m.end("subject"):m.end()]).strip()


def _glyph_positions(flow: TextFlow) -> dict[int, int]:
    """id(glyph) -> its first position in the flow, built once per flow."""
    cached = getattr(flow, "_glyph_positions", None)
    if cached is None:
        cached = {}
        for i, g in enumerate(flow.glyphs):
            if g is not None:
                cached.setdefault(id(g), i)
        flow._glyph_positions = cached   # type: ignore[attr-defined]
    return cached


def _line_pos(flow: TextFlow, joined: TextFlow, pos: int) -> int:
    """Position in the line flow of joined position pos (the joined flow only drops characters)."""
    g = next((x for x in joined.glyphs[pos:pos + 40] if x is not None), None)
    if g is not None:
        i = _glyph_positions(flow).get(id(g))
        if i is not None:
            return i
        try:
            return flow.glyphs.index(g)
        except ValueError:
            pass
    return pos


STRIP_SUBJECT = regex.compile(r"^(?:其中|分别|以及|及|和|另外|此外|and|of which|where)\s*", regex.I)
# EN 15804 modules: a module names its stage; a range across stages (A1-A3) or a pair (A2 and A4) names a sum
MODULES = {"A1": "raw_material_acquisition", "A2": "raw_material_transport", "A3": "production",
           "A4": "distribution", "A5": "installation", "B": "use", "C": "end_of_life", "D": None}
MODULE = r"(?:[A-D]\d?)"
MODULE_RE = regex.compile(
    rf"(?<![A-Za-z0-9])(?P<a>{MODULE})(?:\s*(?P<op>[-–~]|\band\b|&|\+|,)\s*(?P<b>{MODULE}))?(?![A-Za-z0-9])")
SUM_SPLIT = regex.compile(r"\s*(?:与|和|及|以及|加|\band\b|&|\+)\s*", regex.I)


def _module_stage(code: str) -> str | None:
    code = code.upper()
    return MODULES.get(code) if code in MODULES else MODULES.get(code[0]) if code[0] in "BC" else None


def _module_ref(subject: str) -> StageRef | None:
    """'Raw material supply (A1)' -> A1's stage; 'A1-A3', 'Transport (A2 and A4)', '(D)' -> a StageRef without a
    canonical stage (a sum of stages, or a module outside the life-cycle stages)."""
    inner = regex.search(r"[(（]\s*([^()（）]{1,20}?)\s*[)）]\s*$", subject)
    text = inner.group(1) if inner else subject.strip()
    m = MODULE_RE.fullmatch(text)
    if not m:
        return None
    a, b = m.group("a").upper(), (m.group("b") or "").upper()
    if not b:
        c = _module_stage(a)
        return StageRef(name=subject.strip(), canonical=c, score=100.0 if c else None)
    ca, cb = _module_stage(a), _module_stage(b)
    if ca is not None and ca == cb:           # C1-C4, B1-B7: one stage
        return StageRef(name=subject.strip(), canonical=ca, score=100.0)
    return StageRef(name=subject.strip(), canonical=None)


def _sum_ref(s: str) -> StageRef | None:
    """'原材料运输与产品分销', '运输相关排放（原材料运输与产品分销）': two stages together, a sum."""
    inner = regex.search(r"[(（]\s*([^()（）]{2,40}?)\s*[)）]\s*$", s)
    for text in ([inner.group(1)] if inner else []) + [s]:
        parts = [p for p in SUM_SPLIT.split(text) if p.strip()]
        if len(parts) < 2:
            continue
        hits = [match_stage(p)[0] for p in parts]
        if all(h is not None for h in hits):
            return StageRef(name=text.strip(), canonical=None)
    return None


def _subject_stage(subject: str) -> StageRef | None:
    """The stage a quote is about, or None when it is about the whole product (or a list of all stages)."""
    s = STRIP_SUBJECT.sub("", subject.strip(" “”\"'")).strip()
    if not s or "、" in s or "”" in subject or "“" in subject:
        return None
    ref = _module_ref(s) or _sum_ref(s)
    if ref is not None:
        return ref
    # the stage name is the tail of the subject: '1 台产品的原材料获取阶段' -> try progressively shorter tails
    best: tuple[str | None, float, str] = (None, 0.0, s)
    for k in range(len(s)):
        tail = s[k:]
        if len(tail) < 2:
            break
        c, score = match_stage(tail)
        if c is not None and score > best[1] + 0.5:
            best = (c, score, tail)
        if score >= 100:
            break
    if best[0] is None or best[0] == "transport?":
        return None
    return StageRef(name=best[2], canonical=best[0], score=round(best[1], 1))


# ---------------------------------------------------------------- boundary: claims and declarations


def _context(text: str) -> str:
    """Text around a term with its line breaks undone (none between CJK characters, a space elsewhere)."""
    return regex.sub(r"(?<=\p{Han})\n|\n(?=\p{Han})", "", text).replace("\n", " ")


def _not_a_claim(flow: TextFlow, m, kind: str) -> bool:
    """'中国产品全生命周期温室气体排放系数库' (a database), '“摇篮到大门”数据集' (a data set), '不能用于全生命周期比较'
    (a comparison), 'not cradle-to-grave' (a negation): the term is there, the claim is not."""
    c = vocab().claims.get(kind, {})
    after = _context(flow.text[m.end():m.end() + 40])
    before = _context(flow.text[max(0, m.start() - 20):m.start()])
    return any(regex.search(p, after, regex.I) for p in c.get("not_after", [])) or \
        any(regex.search(p, before, regex.I) for p in c.get("not_before", []))


def claims(flow: TextFlow) -> list[BoundaryClaim]:
    found: list[tuple[int, int, str, str]] = []
    for term, kind in claim_terms():
        # a space in a term matches a line break too ("from cradle to\ngate with options")
        pattern = r"\s+".join(regex.escape(w) for w in term.split(" "))
        for m in regex.finditer(pattern, flow.text, regex.I):
            if _not_a_claim(flow, m, kind):
                continue
            found.append((m.start(), m.end(), " ".join(m.group(0).split()), kind))
    # "cradle to gate with options" is one claim, not also "cradle to gate"
    kept = [f for f in found if not any(g[0] <= f[0] and f[1] <= g[1] and (g[1] - g[0]) > (f[1] - f[0])
                                        for g in found)]
    out = [BoundaryClaim(text=text, kind=kind, location=flow.location(a, b)) for a, b, text, kind in kept]
    out.sort(key=lambda c: (c.location.page if c.location else 0, c.location.bbox[1] if c.location and c.location.bbox else 0))
    return out


LIST_TRIGGER = regex.compile(
    r"^.*?(?:系统边界\s*(?:[“\"「][^”\"」]*[”\"」])?\s*(?:定义)?\s*(?:为|是|：|:)\s*(?:包括|包含)?|涵盖了?|包括了?|包含了?|"
    r"(?:system boundary|boundary)\s+(?:covers|includes|comprises|is)\s*:?|covers|includes|comprises)",
    regex.I,
)
LIST_END = regex.compile(r"(?:的|之)?(?:碳排放|温室气体排放|排放|碳足迹|等阶段|等).*$")


def declarations(flow: TextFlow, sections: Sections) -> list[StageDeclaration]:
    """Sentences that list the stages inside the system boundary."""
    j = flow.joined()
    out: list[StageDeclaration] = []
    for sm in regex.finditer(r"(?:[^。!?！？.]|(?<=\d)\.(?=\d))+", j.text):
        sentence = sm.group(0)
        if not regex.search(r"(系统边界|system boundary|涵盖)", sentence, regex.I):
            continue
        clause_re = r"[^，,；;]+" if "、" in sentence else r"[^；;]+"
        for cm in regex.finditer(clause_re, sentence):
            clause = cm.group(0)
            if "、" not in clause and not regex.search(r",|\band\b", clause):
                continue
            tm = LIST_TRIGGER.match(clause)
            if not tm:
                continue
            if regex.search(r"不包括|不包含|不含|未包括|未包含|排除|除外|exclud|except|not\s+includ", clause[:tm.end()],
                            regex.I):
                continue      # "不包括产品分销、…和报废处置": what the boundary leaves out
            body_start = tm.end()
            body = clause[body_start:]
            body = LIST_END.sub("", body) if "、" in body else body
            # "原材料获取、产品使用和废弃处置阶段", "从原材料获取到产品废弃处置（...）": 和 / 到 and brackets part
            # items too (及 and 与 do not: 原料获取及加工, 原材料开采与加工 are one stage)
            items = [x for x in regex.split(r"[、,，/()（）]|\s+and\s+|\s+以及\s*|和|到", body) if x.strip()]
            refs = []
            offset = sm.start() + cm.start() + body_start
            cursor = 0
            for it in items:
                name = it.strip().strip("“”\"'")
                name = regex.sub(r"^(?:从|到|至)", "", name)
                k = body.find(it, cursor)
                cursor = k + len(it) if k >= 0 else cursor
                c, score = match_stage(name)
                if c is None:
                    found = stage_in(name)       # "工厂内的生产过程": a stage named inside other words
                    if found is None or len(found[1]) * 4 < len(norm(name)):
                        continue
                    c, score = found[0], 85.0
                loc = j.location(offset + k, offset + k + len(it)) if k >= 0 else None
                refs.append(StageRef(name=name, canonical=c, score=round(score, 1), location=loc))
            if len({r.canonical for r in refs}) < 2:
                continue      # a list of processes within one stage is no list of stages
            for r, c in zip(refs, resolve_order([r.canonical for r in refs])):
                r.canonical = c
            refs = [r for r in refs if r.canonical]
            place = sections.place(_line_pos(flow, j, sm.start() + cm.start()))
            if regex.match(r"^\s*[(（]\s*\d+\s*[)）]", sentence):
                place = "notes" if place == "cover" else place
            out.append(StageDeclaration(
                place=place if place in ("cover", "summary", "boundary_section", "notes") else "other",
                text=_from_keyword(clause[:body_start + len(body)]), stages=refs,
                location=j.location(sm.start() + cm.start(), sm.start() + cm.end())))
    return out


# ---------------------------------------------------------------- metadata from prose

def _from_keyword(clause: str) -> str:
    m = regex.search(r"(系统边界|涵盖|system boundary|boundary)", clause, regex.I)
    return clause[m.start():].strip() if m else clause.strip()


GWP_RE = regex.compile(
    r"(?:IPCC\s*)?(?:第\s*(?P<cn>[一二三四五六七])\s*次\s*评估报告|(?P<en>first|second|third|fourth|fifth|sixth|seventh)\s+"
    r"assessment\s+report|\b(?P<ar>AR\s*[4-7]|SAR|TAR)\b)",
    regex.I,
)


GWP_CONTEXT = regex.compile(r"GWP|IPCC|global[\s-]+warming\s+potential|全球变暖潜|增温潜势|评估报告|assessment\s+report",
                            regex.I)


def gwp_source(flow: TextFlow) -> tuple[Text, str, int | None] | None:
    j = flow.joined()
    for m in GWP_RE.finditer(j.text):
        if m.group("cn"):
            n = CN_NUM[m.group("cn")]
        elif m.group("en"):
            n = EN_ORD[m.group("en").lower()]
        else:
            # 'tar', 'sar', 'Ar5' in prose are words, not reports: the short name counts only in upper case and
            # near GWP/IPCC
            a = m.group("ar")
            if a != a.upper() or not GWP_CONTEXT.search(j.text, max(0, m.start() - 80), m.end() + 80):
                continue
            a = a.replace(" ", "")
            n = {"SAR": 2, "TAR": 3}.get(a) or int(a[2])
        # the year printed with it: inside brackets right after, or just before
        after = j.text[m.end(): m.end() + 16]
        before = j.text[max(0, m.start() - 12): m.start()]
        ym = regex.match(r"\s*[（(《〈]\s*((?:19|20)\d{2})\s*年?\s*[)）》〉]", after) or regex.search(
            r"((?:19|20)\d{2})\s*年?\s*(?:IPCC)?\s*$", before)
        year = int(ym.group(1)) if ym else None
        bracketed = ym is not None and ym.re.pattern.startswith(r"\s*[（(")
        end = m.end() + (ym.end() if bracketed else 0)
        start = m.start()
        if ym and not bracketed:
            start = max(0, m.start() - 12) + ym.start()
        pre = regex.search(r"IPCC\s*$", j.text[max(0, start - 6):start])
        if pre:
            start = max(0, start - 6) + pre.start()
        return Text(text=j.text[start:end].strip(), location=j.location(start, end)), AR_NAMES[n], year
    return None


GAS_NAMES = [("CO2", r"二氧化碳|CO2(?!e)|carbon dioxide"), ("CH4", r"甲烷|CH4|methane"),
             ("N2O", r"氧化亚氮|N2O|nitrous oxide"), ("HFCs", r"氢氟碳化物|HFCs?\b|hydrofluorocarbons"),
             ("PFCs", r"全氟化碳|PFCs?\b|perfluorocarbons"), ("SF6", r"六氟化硫|SF6|sulphur hexafluoride|sulfur hexafluoride"),
             ("NF3", r"三氟化氮|NF3|nitrogen trifluoride")]
GAS_SCOPE_RE = regex.compile(
    r"(?:本次(?:核查|评价|核算|研究)|本报告|本评价|this study|this report|the assessment)[^。.]{0,30}?(?:主要)?(?:包括|包含|涵盖|covers?|includes?|considers?)[^。]*",
    regex.I,
)


def gases(flow: TextFlow) -> tuple[list[str], Text] | None:
    j = flow.joined()
    for m in GAS_SCOPE_RE.finditer(j.text):
        found = [g for g, pat in GAS_NAMES if regex.search(pat, m.group(0), regex.I)]
        if found:
            return found, Text(text=m.group(0).strip(), location=j.location(*m.span()))
    return None


def data_period(flow: TextFlow) -> tuple[Text, date | None, date | None] | None:
    j = flow.joined()
    lead = (r"(?:数据(?:统计|收集|采集)?(?:周期|期间|时间范围|时间)|统计周期|核算期|核算周期|评价期|时间范围|时间边界|"
            r"reference period|data period|data collection period|time boundary|time period)")
    m = regex.search(rf"{lead}[^0-9]{{0,12}}(?P<a>{DATE})\s*(?:[-–—~～至到]|to|until)\s*(?P<b>{DATE})", j.text, regex.I)
    if m:
        return Text(text=m.group(0), location=j.location(*m.span())), parse_date(m.group("a")), parse_date(m.group("b"))
    # '核算期：2024 年 1 月 1 日至 12 月 31 日': the end date takes the start's year
    m = regex.search(rf"{lead}[^0-9]{{0,12}}(?P<a>{DATE})\s*(?:[-–—~～至到])\s*(?P<bm>\d{{1,2}})\s*月\s*(?P<bd>\d{{1,2}})\s*日",
                     j.text, regex.I)
    if m and (a := parse_date(m.group("a"))) is not None:
        try:
            b = date(a.year, int(m.group("bm")), int(m.group("bd")))
        except ValueError:
            b = None
        if b is not None:
            return Text(text=m.group(0), location=j.location(*m.span())), a, b
    m = regex.search(r"(?:数据(?:统计|收集)?(?:周期|期间)|reference year|data year)[^0-9]{0,8}((?:19|20)\d{2})\s*年?", j.text, regex.I)
    if m:
        y = int(m.group(1))
        return Text(text=m.group(0), location=j.location(*m.span())), date(y, 1, 1), date(y, 12, 31)
    # '数据取自 2025 年全年' / '统计数据为 2025 年度' / 'data for calendar year 2025': a whole year
    m = regex.search(r"(?:数据|统计)[^0-9。；;\n]{0,10}?((?:19|20)\d{2})\s*年\s*(?:全年|度)(?!电|排放因子|因子)|"
                     r"\b(?:data (?:for|from|cover(?:s|ing)?)|during) (?:the )?calendar year ((?:19|20)\d{2})|"
                     r"\b(?:primary|activity|foreground) data (?:for|from|of|cover(?:s|ing)?) (?:the year )?"
                     r"((?:19|20)\d{2})\b(?! ?[-–/]\d)", j.text, regex.I)
    if m:
        y = int(m.group(1) or m.group(2) or m.group(3))
        return Text(text=m.group(0), location=j.location(*m.span())), date(y, 1, 1), date(y, 12, 31)
    return None


def functional_units(flow: TextFlow) -> list[Text]:
    j = flow.joined()
    out = []
    for m in regex.finditer(r"(?:功能单位|声明单位|functional unit|declared unit)(?:定义)?\s*(?:为|是|：|:|is)\s*[:：]?\s*"
                            r"(?P<fu>[^。；;\n]{1,60}?)(?=[。；;\n]|$|\.\s)", j.text, regex.I):
        out.append(Text(text=m.group("fu").strip(), location=j.location(*m.span("fu"))))
    if not out:
        # 'The functional unit is one TerraShelf shelving unit T-800 (2,000 x 1,000 mm, five shelves), with ...': a
        # long English sentence; the unit is what comes before its first bracket or comma
        for m in regex.finditer(r"\b(?:functional|declared) unit (?:is|was defined as|:)\s*(?P<fu>[A-Za-z0-9][^.;()\n,]{2,80}?)"
                                r"\s*(?=\(|,\s|\.\s|\.$|;|$)", j.text, regex.I):
            out.append(Text(text=m.group("fu").strip(), location=j.location(*m.span("fu"))))
    return out


def annual_output(flow: TextFlow):
    j = flow.joined()
    m = regex.search(rf"(?:年产量|全年共计产量|全年产量|年产能|annual (?:output|production)(?:\s+in\s+\d{{4}})?)\s*"
                     rf"(?:为|是|：|:|of|was|is)?\s*"
                     rf"(?P<num>{NUM})\s*(?P<unit>台|件|套|吨|t|kg|千克|units?|pieces?|pcs)?", j.text, regex.I)
    if not m:
        return None
    p = parse_number(m.group("num"))
    if p is None:
        return None
    return make_quantity(p, j.location(*m.span("num")), unit=m.group("unit"), unit_text=m.group("unit"),
                         conf=j.confidence(*m.span("num")))


def standards(flow: TextFlow) -> list[Text]:
    out = []
    seen = set()
    for m in regex.finditer(r"(?:GB/T\s*\d+(?:\.\d+)?-\d{4}|ISO\s*\d{4,5}(?::\d{4})?|PAS\s*2050(?::\d{4})?)", flow.text):
        key = regex.sub(r"\s", "", m.group(0))
        if key in seen:
            continue
        seen.add(key)
        out.append(Text(text=m.group(0), location=flow.location(*m.span())))
    return out


FACTOR_SERIES = regex.compile(r"(碳足迹因子|二氧化碳排放因子|排放因子|carbon footprint factor|CO2 emission factor|emission factor)",
                              regex.I)


def factor_mentions(flow: TextFlow) -> list[FactorMention]:
    """'2024 年全国电力平均碳足迹因子为 0.5777kgCO₂/kW·h' and announcements of factors, with dates."""
    j = flow.joined()
    out: list[FactorMention] = []
    for sm in regex.finditer(r"[^。;；]+", j.text):
        s = sm.group(0)
        if not FACTOR_SERIES.search(s):
            continue
        if not regex.search(r"(电力|电网|grid|electricity)", s, regex.I):
            out.extend(_material_factors(j, sm.start(), s))
            continue
        for m in regex.finditer(
                rf"(?:(?P<year>(?:19|20)\d{{2}})\s*年\s*(?:度)?)?(?P<what>[^，,。0-9]{{0,16}}?)(?P<series>碳足迹因子|二氧化碳排放因子|排放因子)"
                rf"\s*(?:为|是|：|:)?\s*(?P<num>{NUM})\s*(?P<unit>[A-Za-z₂2·./\s()（）]{{3,20}}?h)", s):
            p = parse_number(m.group("num"))
            fu = factor_unit(m.group("unit"))
            a, b = sm.start() + m.start(), sm.start() + m.end()
            span = (sm.start() + m.start("num"), sm.start() + m.end("num"))
            q = make_quantity(p, j.location(*span), unit=fu.text if fu else None, unit_text=m.group("unit").strip(),
                              conf=j.confidence(*span)) if p else None
            out.append(FactorMention(
                text=m.group(0).strip(), value=q, vintage=int(m.group("year")) if m.group("year") else None,
                series="CO2e" if "碳足迹" in m.group("series") else "CO2",
                unit_series=fu.emission.series if fu else None, subject="electricity", location=j.location(a, b)))
        for m in regex.finditer(rf"(?P<date>{DATE})[^。]{{0,40}}?(?:发布|公布|公告)[^。]{{0,10}}?(?P<year>(?:19|20)\d{{2}})\s*年\s*"
                                rf"(?:度)?[^。，]{{0,10}}?(?P<series>碳足迹因子|二氧化碳排放因子|排放因子)", s):
            a, b = sm.start() + m.start(), sm.start() + m.end()
            out.append(FactorMention(
                text=m.group(0).strip(), vintage=int(m.group("year")), announced=parse_date(m.group("date")),
                series="CO2e" if "碳足迹" in m.group("series") else "CO2", subject="electricity",
                location=j.location(a, b)))
    return out


MATERIAL_FACTOR = regex.compile(
    rf"(?P<what>[\p{{Han}}A-Za-z][\p{{Han}}A-Za-z()（） ]{{0,15}}?)\s*(?:的)?\s*(?:排放因子|碳足迹因子|emission factor)"
    rf"\s*(?:为|是|：|:|of|is)\s*(?P<num>{NUM})\s*(?P<unit>[A-Za-z₂2³3·'’./()（）\s]{{3,24}}?)(?=$|[\s,，;；。]|$)", regex.I)


def _material_factors(j: TextFlow, offset: int, sentence: str) -> list[FactorMention]:
    """'铜排放因子为 4.12kgCO₂e/kg': a factor named in the text for a material or fuel. What the words call it
    (CO2 or CO2e) is left open: 排放因子 names neither."""
    out = []
    for m in MATERIAL_FACTOR.finditer(sentence):
        fu = factor_unit(m.group("unit"), m.group("what"))
        p = parse_number(m.group("num"))
        if fu is None or p is None:
            continue
        span = (offset + m.start("num"), offset + m.end("num"))
        q = make_quantity(p, j.location(*span), unit=fu.text, unit_text=m.group("unit").strip(),
                          conf=j.confidence(*span))
        what = regex.sub(r"^(?:的|和|及|以及)", "", m.group("what").strip())
        out.append(FactorMention(text=m.group(0).strip(), value=q, unit_series=fu.emission.series, subject=what,
                                 location=j.location(offset + m.start(), offset + m.end())))
    return out


def cutoff(flow: TextFlow) -> Text | None:
    j = flow.joined()
    m = regex.search(r"(?:舍去|cut-?off)[^。]{0,80}?(\d+(?:\.\d+)?)\s*%[^。]{0,60}", j.text, regex.I)
    if m:
        return Text(text=m.group(0), location=j.location(*m.span()))
    return None
