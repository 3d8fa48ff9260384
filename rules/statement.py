"""The verification statement: present, complete, and in agreement with the cover."""
from __future__ import annotations

from rapidfuzz import fuzz

from auditor import regexes as regex
from auditor.engine.base import Context, Rule
from auditor.i18n import J, Msg, T
from auditor.model import Report
from auditor.numbers import fold

from .allocation import looks_like_a_report


def _org(text: str) -> str:
    return regex.sub(r"[\s（）()《》,，.。:：]|公章|盖章", "", fold(text)).casefold()


def _editions(text: str) -> dict[str, str]:
    """{'GB/T24067': '2024', 'ISO14067': '2018'} from a standard as printed."""
    t = fold(text).replace(" ", "")
    return {m.group(1).upper(): m.group(2) for m in regex.finditer(r"(GB/T24067|ISO14067|PAS2050)[-:](\d{4})", t, regex.I)}


class StatementIncomplete(Rule):
    """The verification or conformity statement names the issuer, the verifiers, a date, the standard and the
    scope, and agrees with the cover: the same issuer, the same edition of the standard, a date not after the
    issue date.

    Why: the statement is what a certification body signs (ISO 14067:2018 / GB/T 24067-2024 on the CFP study
    report and its critical review; ISO 14064-3 practice for the verification statement). A statement without the
    verifiers' names or the standard cannot be relied on; one that names another body, another edition or a
    later date than the cover belongs to another report or a revision. An element the statement leaves out but
    the cover prints (the issuer under 机构名称（公章）, the issue date) counts as given. A report without any
    statement is noted (info): a study report may be issued without one; a document with nothing to verify
    (EXT001) is not asked for one.

    Fails:
        确认此次产品碳足迹报告符合：GB/T 24067-2024 ... (no 编制 / 组长 / 组员 names anywhere)
        cover 机构名称: 三信国际检测认证有限公司 ; statement: 核查机构 华测认证有限公司
    Passes:
        确认此次产品碳足迹报告符合：GB/T 24067-2024/ISO 14067:2018 ; 编制 李少娟 ; 组长 李少娟 ; 组员 孙芳芳
    """

    code = "CON014"
    name = "statement-incomplete"
    severity = "warning"
    checklist = "statement"

    def check(self, report: Report, ctx: Context):
        st, m = report.statement, report.metadata
        if st.text is None and not st.people and not looks_like_a_report(report):
            return   # a census or an invoice (EXT001): no report whose statement could be asked for
        if st.text is None and not st.people:
            yield self.finding(T("CON014.no-statement"), severity="info")
            return
        where = st.text.location if st.text else st.people[0].location
        missing: list[Msg] = []
        if st.issuer is None and m.issuer is None:
            missing.append(T("CON014.lacks-issuer"))
        if not st.people:
            missing.append(T("CON014.lacks-people"))
        if st.dated is None and m.issue_date is None:
            missing.append(T("CON014.lacks-date"))
        if st.standard is None and not m.standard:
            missing.append(T("CON014.lacks-standard"))
        if st.scope is None and m.product is None and not m.functional_unit:
            missing.append(T("CON014.lacks-scope"))
        if missing:
            yield self.finding(T("CON014.incomplete", missing=J(missing, "and")),
                               evidence=[st.text.text] if st.text else [], location=where)
        if st.issuer is not None and m.issuer is not None and \
                fuzz.partial_ratio(_org(st.issuer.text), _org(m.issuer.text)) < 80:
            yield self.finding(T("CON014.other-issuer", issuer=st.issuer.text, cover=m.issuer.text),
                               values=[st.issuer.text], expected=m.issuer.text, evidence=[st.issuer.text, m.issuer.text],
                               location=st.issuer.location, severity="error")
        if st.standard is not None:
            mine = _editions(st.standard.text)
            clash = next(((k, year, t) for t in m.standard for k, year in _editions(t.text).items()
                          if k in mine and mine[k] != year), None)
            if clash is not None:
                k, year, t = clash
                yield self.finding(T("CON014.other-edition", standard=k, edition=mine[k], other=year),
                                   values=[st.standard.text], expected=t.text, evidence=[st.standard.text, t.text],
                                   location=st.standard.location, severity="error")
        if st.date_value and m.issue_date_value and st.date_value > m.issue_date_value:
            yield self.finding(T("CON014.dated-after-issue", dated=str(st.date_value), issued=str(m.issue_date_value)),
                               values=[st.dated.text if st.dated else str(st.date_value)],
                               expected=str(m.issue_date_value), location=st.dated.location if st.dated else where,
                               severity="error")
