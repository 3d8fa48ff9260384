"""The verification or conformity statement: where it opens, and the issuer, people, date, standard and scope
near it; the people also from a signatures table (编制 | 李少娟 | 签名 | 李少娟, Prepared by | A. Weber)."""
from __future__ import annotations

from .. import regexes as regex
from ..model import Statement, Text
from ..read.document import Table, TextFlow
from .prose import DATE, parse_date

OPEN = regex.compile(r"确认(?:此次|本次|该)?[^。\n]{0,20}?(?:报告|评价)?[^。\n]{0,10}?符合|核查结论|核查声明|评价结论|"
                     r"核证声明|符合性声明|verification statement|statement of (?:verification|conformity)|"
                     r"conformity statement|verification opinion|we have (?:verified|reviewed)", regex.I)
STANDARD = regex.compile(r"GB/T\s*24067(?:-\d{4})?(?:/ISO\s*14067(?::\d{4})?)?|ISO\s*14067(?::\d{4})?|"
                         r"PAS\s*2050(?::\d{4})?|GHG Protocol Product Standard", regex.I)
ROLES = r"(?:编制|审核|批准|复核|技术复核|组长|组员|核查员|核查组长|评价人员|授权签字人|Prepared by|Reviewed by|" \
        r"Approved by|Verified by|Lead verifier|Verifier|Technical reviewer)"
PERSON = regex.compile(rf"(?P<role>{ROLES})\s*[:：]?\s*(?P<name>[\p{{Han}}]{{2,4}}(?![\p{{Han}}])|"
                       rf"[A-Z][a-z]*\.?(?:\s+[A-Z][A-Za-z'\-]+){{1,3}})", regex.I)
ORG = regex.compile(r"[\p{Han}（）()]{4,40}?(?:有限公司|有限责任公司|认证中心|检测中心|研究院|认证有限公司)|"
                    r"[A-Z][\w&.\- ]{2,60}?(?:Ltd\.?|GmbH|Inc\.?|LLC|S\.A\.|AG|Limited|Certification)")
NOT_A_NAME = {"签名", "日期", "职务", "组内", "盖章", "签字"}
WINDOW = 600


def statement(flow: TextFlow, tables: list[Table]) -> Statement:
    j = flow.joined()
    out = Statement()
    m = OPEN.search(j.text)
    if m:
        out.text = Text(text=m.group(0), location=j.location(*m.span()))
        block_start, block_end = m.start(), min(len(j.text), m.end() + WINDOW)
        block = j.text[block_start:block_end]
        if (s := STANDARD.search(block)) is not None:
            a, b = block_start + s.start(), block_start + s.end()
            out.standard = Text(text=s.group(0), location=j.location(a, b))
        if (d := regex.search(DATE, block)) is not None:
            a, b = block_start + d.start(), block_start + d.end()
            out.dated, out.date_value = Text(text=d.group(0), location=j.location(a, b)), parse_date(d.group(0))
        if (o := ORG.search(block)) is not None:
            a, b = block_start + o.start(), block_start + o.end()
            out.issuer = Text(text=o.group(0).strip(), location=j.location(a, b))
        if (sc := regex.search(r"产品碳足迹|碳足迹报告|功能单位|carbon footprint of|product carbon footprint|"
                                 r"functional unit|declared unit|cradle|摇篮", block, regex.I)) is not None:
            a, b = block_start + sc.start(), block_start + sc.end()
            out.scope = Text(text=sc.group(0), location=j.location(a, b))
        for p in PERSON.finditer(block):
            if p.group("name") not in NOT_A_NAME:
                a, b = block_start + p.start(), block_start + p.end()
                out.people.append(Text(text=f"{p.group('role')} {p.group('name')}", location=j.location(a, b)))
    seen = {t.text for t in out.people}
    for t in tables:
        for row in t.rows:
            cells = [c for c in row if c is not None and c.text and c.text.strip()]
            for i, c in enumerate(cells[:-1]):
                role = " ".join(c.text.split())
                name = " ".join(cells[i + 1].text.split())
                if regex.fullmatch(ROLES, role, regex.I) and name not in NOT_A_NAME and 2 <= len(name) <= 40 and \
                        not regex.search(r"\d", name):
                    label = f"{role} {name}"
                    if label not in seen:
                        seen.add(label)
                        out.people.append(Text(text=label, location=cells[i + 1].location))
    return out
