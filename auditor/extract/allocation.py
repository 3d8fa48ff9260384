"""Allocation as the prose states it: the method this study uses, the co-products' factors, the output divided by."""
from __future__ import annotations

from typing import Literal, cast

from .. import regexes as regex
from ..model import Allocation, AllocationFactor, Text
from ..numbers import parse_number
from ..read.document import TextFlow
from .prose import NUM
from .tables import make_quantity

# the sentence that says what THIS study does (not the generic list of options)
_SELF = r"(?:本(?:评价|研究|报告|次评价|项目)|本次|this (?:study|report|assessment)|we)"
_USES = r"(?:采用|采取|选用|按照|依据|根据|基于|uses?|used|applies|applied|adopts?|adopted|is based on|was based on|avoid(?:s|ed)?|避免)"
METHODS = (
    ("avoided", r"避免分配|avoid(?:s|ed|ing)? allocation|allocation (?:is|was|has been) avoided|no allocation"),
    ("system-expansion", r"扩大系统边界|系统扩展|扩展系统|system expansion|expanding the (?:product )?system"),
    ("economic", r"经济(?:价值|价格)?(?:分配|因果|为基准|的比例)|经济价值|按(?:产品)?(?:价值|价格|销售额)|economic (?:allocation|value)|"
                 r"revenue|market (?:value|price)"),
    ("physical", r"物理(?:因果|关系|分配)|产品产量|以产量|按产量|质量(?:分配|比例)|按质量|mass|physical|energy content|"
                 r"(?:by|on) (?:annual )?(?:output|production)|产量"),
)
# a sentence naming allocation; it starts where the text or a sentence does (the look-behind: without it a sentence
# without the word is tried from each of its characters)
_SENT = regex.compile(r"(?<![^。；;\n.])[^。；;\n.]*(?:分配|allocat)[^。；;\n]*?(?:。|；|;|\n|\.(?=\s|$)|$)", regex.I)
FACTOR = regex.compile(rf"(?P<prod>[\p{{Han}}A-Za-z][\p{{Han}}A-Za-z0-9\- ]{{0,20}}?)\s*(?:的)?\s*(?:分配系数|分配比例|分配因子|"
                       rf"allocation (?:factor|share)|share)?\s*(?:为|是|：|:|=|of)?\s*(?P<num>{NUM}\s*%?)(?![\d])", regex.I)
_FACTOR_CUE = regex.compile(r"分配系数|分配比例|分配因子|allocation (?:factors?|shares?)", regex.I)
OUTPUT = regex.compile(rf"(?:分配|allocat)[^。；;\n]{{0,60}}?(?:年产量|全年产量|产量|annual (?:output|production)|output)\s*"
                       rf"(?:为|是|：|:|of|was|is)?\s*(?P<num>{NUM})\s*(?P<unit>台|件|套|吨|t|kg|千克|units?|pieces?|pcs)",
                       regex.I)
# '按年产量 8000 台分配', 'allocated by the annual output of 7,500 units'
OUTPUT_BY = regex.compile(rf"(?:按|以|根据|依据|\bby|based on)\s*(?:the\s+)?(?:年产量|全年产量|产品产量|annual (?:output|production))\s*"
                          rf"(?:为|是|：|:|of|was|is)?\s*(?P<num>{NUM})\s*(?P<unit>台|件|套|吨|t|kg|千克|units?|pieces?|pcs)",
                          regex.I)


# a section label that introduces this study's allocation: '2.5 分配：', '分配原则：', 'Allocation:'
_HEAD = r"^\s*(?:\d+(?:\.\d+)*\s*)?(?:分配(?:原则|方法|方式)?|allocation(?: procedure| method)?)\s*[:：]"


Method = Literal["physical", "economic", "avoided", "system-expansion"]


def method(text: str) -> Method | None:
    for key, pat in METHODS:
        if regex.search(pat, text, regex.I):
            return cast(Method, key)
    return None


def allocation(flow: TextFlow) -> Allocation:
    j = flow.joined()
    out = Allocation()
    for m in _SENT.finditer(j.text):
        s = m.group(0)
        headed = regex.match(_HEAD, s, regex.I) is not None   # '2.5 分配：... 按年产量折算' says what this study does
        if not headed and (not regex.search(_SELF, s, regex.I) or not regex.search(_USES, s, regex.I)):
            continue
        # a list of options ('可采用 A、B、C 或 D') is not a declaration
        if regex.search(r"可(?:以)?采用|可选|包括[^。]*(?:或|和)|options? (?:are|include)|can be|may be", s, regex.I):
            continue
        key = method(s)
        if key:
            out.method, out.method_text = key, Text(text=s.strip(), location=j.location(*m.span()))
            break
    for m in _SENT.finditer(j.text):
        s = m.group(0)
        cue = _FACTOR_CUE.search(s)
        if not cue:
            continue
        facs = []
        for f in FACTOR.finditer(s):
            p = parse_number(f.group("num").replace(" ", ""))
            prod = _FACTOR_CUE.sub("", f.group("prod")).strip(" ，,、:：")
            if p is None or not prod:
                continue
            q = make_quantity(p, j.location(m.start() + f.start("num"), m.start() + f.end("num")),
                              unit="%" if f.group("num").strip().endswith("%") else None)
            facs.append(AllocationFactor(product=prod, value=q))
        if len(facs) >= 2:
            out.factors, out.factors_text = facs, Text(text=s.strip(), location=j.location(*m.span()))
            break
    m = OUTPUT.search(j.text) or OUTPUT_BY.search(j.text)
    if m:
        p = parse_number(m.group("num"))
        if p is not None:
            out.output = make_quantity(p, j.location(*m.span("num")), unit=m.group("unit"), unit_text=m.group("unit"))
            out.output_text = Text(text=m.group(0), location=j.location(*m.span()))
    return out
