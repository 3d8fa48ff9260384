"""What a report says about its grid electricity: the factor it cites (year, series, region), the basis
(location- or market-based), market-based claims (green certificates, PPAs) and the evidence named for them."""
from __future__ import annotations

from typing import Literal

from .. import regexes as regex
from ..model import Electricity, FactorMention, Text
from ..read.document import TextFlow

PROVINCES = ("北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建",
             "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海",
             "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆")
GRIDS = ("华北", "东北", "华东", "华中", "西北", "南方", "西南")
PROV = "|".join(PROVINCES)
GRID = "|".join(GRIDS)
REGION_ZH = regex.compile(
    rf"(?P<region>(?:{GRID})(?:区域)?(?:电网|区域)|(?:{PROV})(?:省|市|自治区|壮族自治区|回族自治区|维吾尔自治区)?(?=电网|电力|省级|区域|\s*\d{{4}}\s*年|[^，。；]{{0,6}}(?:电力|电网))|全国(?=电网|电力|平均|\s*\d{{4}}|[^，。；]{{0,4}}电))")
COUNTRIES = ("Germany", "German", "France", "French", "United Kingdom", "UK", "Italy", "Spain", "Poland",
             "Netherlands", "Sweden", "Norway", "United States", "US", "USA", "Japan", "Korea", "India", "Vietnam",
             "EU", "European", "China", "Chinese")
REGION_EN = regex.compile(rf"\b(?P<region>{'|'.join(COUNTRIES)})\b(?:'s)?[^.;]{{0,40}}?\b(?:grid|electricity|power)\b|"
                          rf"\b(?:grid|electricity)\b[^.;]{{0,40}}?\b(?:in|of|for)\s+(?P<region2>{'|'.join(COUNTRIES)})\b")
FACTOR_WORDS = regex.compile(r"(?:排放因子|碳足迹因子|因子|emission factor|grid factor|carbon intensity)", regex.I)
ELEC_WORDS = regex.compile(r"(?:电力|电网|用电|外购电|grid|electricity)", regex.I)
YEAR = regex.compile(r"(?<![\w\-])(?P<year>(?:19|20)\d{2})(?![\d\-])\s*(?:年度?)?(?=[^，。；;]{0,24}?(?:因子|factor))", regex.I)
SERIES = regex.compile(r"(碳足迹因子|二氧化碳排放因子|二氧化碳|carbon footprint factor|CO2e|CO₂e|CO2|CO₂)", regex.I)

NEG = regex.compile(r"(?:未|不|无|没有|非|未使用|不涉及|not|no|without|none)\s*(?:\S{0,6})$", regex.I)
MARKET_ZH = regex.compile(r"(基于市场|市场法|市场化方法|绿电|绿色电力|绿证|绿色电力证书|可再生能源证书|GEC|I-REC|\bREC\b|PPA|"
                          r"购电协议|直购电|光伏发电自发自用|自建光伏)")
MARKET_EN = regex.compile(r"(market-based|market based|renewable electricity|green electricity|green power|"
                          r"\bGECs?\b|I-RECs?|\bRECs?\b|\bEACs?\b|guarantees? of origin|\bPPAs?\b|power purchase agreement)",
                          regex.I)
LOCATION_BASIS = regex.compile(r"(基于位置|位置法|位置基准|location-based|location based|电网平均|grid[- ]average)", regex.I)
MARKET_BASIS = regex.compile(r"(基于市场|市场法|market-based|market based)", regex.I)
SUPPLIER_FACTOR = regex.compile(r"((?:供电|售电|电力供应)(?:企业|公司|商)?提供的[^，。；]{0,10}因子|supplier[- ]specific[^.;]{0,20}factor|"
                                r"factor (?:provided|supplied) by the (?:utility|supplier))", regex.I)
EVIDENCE = regex.compile(
    r"((?:证书|绿证|凭证)(?:编号|号码|号)\s*[:：为]?\s*[A-Za-z0-9\-]{4,}|"
    r"\d[\d,.]*\s*(?:张|个)\s*(?:绿证|绿色电力证书|证书|GEC|I-REC)|"
    r"(?:绿证|绿色电力证书|证书|GEC|I-REC)\s*\d[\d,.]*\s*(?:张|个|MWh)|"
    r"(?:合同|协议)(?:编号|号)\s*[:：为]?\s*[A-Za-z0-9\-]{3,}|"
    r"(?:与|和)[\p{Han}A-Za-z（）()]{2,30}?(?:公司|集团|电厂|电站)(?:签订|签署)|"
    r"(?:供应商|售电公司|发电企业|供电方)\s*(?:为|是|：|:)\s*[\p{Han}A-Za-z（）()]{2,30}?(?:公司|集团|电厂|电站)|"
    r"certificate (?:no\.?|number|id|serial)s?\s*[:#]?\s*[A-Za-z0-9\-]{4,}|"
    r"\d[\d,.]*\s*(?:MWh|kWh)?\s*(?:of\s+)?(?:GECs|I-RECs|RECs|certificates|guarantees of origin)\b|"
    r"(?:contract|agreement) (?:no\.?|number|ref(?:erence)?)\s*[:#]?\s*[A-Za-z0-9\-]{3,}|"
    r"(?:signed|concluded) with\s+[A-Z][\w&.\- ]{2,40}|supplied by\s+[A-Z][\w&.\- ]{2,40}|"
    r"supplier\s*(?:is|:)\s*[A-Z][\w&.\- ]{2,40})", regex.I)
ADDRESS = regex.compile(rf"(?:地址|住所|注册地址|生产地址|厂址)\s*[:：]?\s*(?P<prov>{PROV})")


FUTURE = regex.compile(r"(建议|逐步|扩大|优化|计划|拟|未来|可以|可考虑|考虑|推动|推广|鼓励|措施|改进|提高|增加|提升|加大|将采购|"
                       r"recommend|suggest|plan|could|should|consider|future|opportunit|increase|improv|may\b)", regex.I)


def _negated(text: str, start: int) -> bool:
    """A claim denied ('未使用绿电') or only proposed ('建议逐步采购绿色电力', 'could buy RECs')."""
    if NEG.search(text[max(0, start - 8):start]):
        return True
    a = max(text.rfind(c, 0, start) for c in "。；;\n")
    if FUTURE.search(text[a + 1:start]):
        return True
    # a list of reduction measures ('减排建议：…；扩大屋顶光伏装机并采购绿色电力')
    line = max(0, start - 150, text.rfind("\n", 0, start))
    return bool(REDUCTION.search(text[line:start]))


REDUCTION = regex.compile(r"(减排|降碳|建议|措施|改进|优化|reduction|recommendation|improvement|mitigation)", regex.I)


def _region_key(name: str) -> str:
    for suffix in ("区域电网", "电网", "区域", "壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "省", "市"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return name


def electricity(flow: TextFlow, mentions: list[FactorMention], tables=()) -> Electricity:
    j = flow.joined()
    text = j.text
    out = Electricity()
    for m in mentions:
        if m.subject == "electricity" and m.vintage is not None and out.vintage is None:
            out.vintage, out.series = m.vintage, m.series
    for sm in regex.finditer(r"[^。;；\n]+|[^.;\n]+", text):
        s = sm.group(0)
        if not (FACTOR_WORDS.search(s) and ELEC_WORDS.search(s)):
            continue
        if out.region is None or out.region == "全国":      # a grid region or province named later wins
            r = REGION_ZH.search(s) or REGION_EN.search(s)
            name = (r.groupdict().get("region") or r.groupdict().get("region2")) if r is not None else None
            if r is not None and name and not (name == "全国" and out.region):
                out.region = name
                a = sm.start() + r.start()
                out.region_text = Text(text=s.strip()[:120], location=j.location(a, sm.start() + r.end()))
        if out.vintage is None:
            y = YEAR.search(s)
            if y:
                out.vintage = int(y.group("year"))
                sr = SERIES.search(s)
                if sr:
                    out.series = "CO2e" if regex.search(r"碳足迹|e$", sr.group(0), regex.I) else "CO2"
    if out.region is None:
        # a factor table of one region names it ('浙江省 | 2023 年 | 0.4974'); a table of many regions names none
        for t in tables:
            if len(t.rows) == 1:
                label = t.rows[0].label.strip()
                if regex.fullmatch(rf"(?:{GRID})(?:区域)?(?:电网)?|(?:{PROV})(?:省|市|自治区)?|全国", label):
                    out.region = label
                    out.region_text = Text(text=label, location=t.location)
                    if out.vintage is None and len(t.years) == 1 and t.years[0]:
                        out.vintage = t.years[0]
                    break
    # basis
    bases: tuple[tuple[regex.Pattern, Literal["location", "market"]], ...] = (
        (MARKET_BASIS, "market"), (LOCATION_BASIS, "location"))
    for rx, basis in bases:
        for m in rx.finditer(text):
            if _negated(text, m.start()):
                continue
            out.basis = basis
            out.basis_text = Text(text=m.group(0), location=j.location(*m.span()))
            break
        if out.basis:
            break
    for rx in (MARKET_ZH, MARKET_EN):
        for m in rx.finditer(text):
            if _negated(text, m.start()):
                continue
            out.market_claims.append(Text(text=text[max(0, m.start() - 20):m.end() + 20].strip(),
                                          location=j.location(*m.span())))
    m = SUPPLIER_FACTOR.search(text)
    if m:
        out.supplier_factor = Text(text=m.group(0), location=j.location(*m.span()))
    for m in EVIDENCE.finditer(text):
        out.evidence.append(Text(text=m.group(0).strip(), location=j.location(*m.span())))
    a = ADDRESS.search(text)
    if a:
        out.address_region = a.group("prov")
    return out
