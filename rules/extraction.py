"""Extraction: what could not be read or verified is itself a finding, never a silent pass."""
from __future__ import annotations

from collections.abc import Iterator

from auditor.engine.base import Context, Rule
from auditor.i18n import J, T, recorded
from auditor.model import Finding, Report


def _verifiable(report: Report) -> tuple[list, list]:
    lines = [ln for s in (report.inventory.stages if report.inventory else []) for ln in s.lines
             if ln.activity is not None or ln.factor is not None]
    return lines, (report.results.rows if report.results else [])


def not_a_report(report: Report) -> bool:
    """Nothing to verify and no sign of a carbon-footprint report in a document with text (EXT001 says so)."""
    lines, rows = _verifiable(report)
    if lines or rows:
        return False
    md = report.metadata
    signs = [md.standard, md.functional_unit, md.gwp_source, report.boundary.claims, report.quotes,
             report.factor_mentions, report.factor_tables]
    return not any(signs) and bool(report.coverage.text_pages)


class NothingToVerify(Rule):
    """The report holds something the auditor can recompute: an inventory table or a results table.

    Why: an audit that found no numbers to check must not look like a clean audit. A scanned report without OCR,
    a table drawn as an image, or a document that is not a PCF report at all ends here.

    Fails:
        a PDF whose pages hold prose only (or no text layer)
    Passes:
        a PDF with an inventory table (stage, factor, activity data, emissions)
    """

    code = "EXT001"
    name = "nothing-to-verify"
    category = "extraction"
    severity = "error"

    def check(self, report: Report, ctx: Context):
        lines, rows = _verifiable(report)
        if lines or rows:
            if not lines:
                yield self.finding(T("EXT001.no-inventory"), severity="warning")
            return
        cov = report.coverage
        why = []
        if cov.text_pages < cov.pages:
            why.append(T("EXT001.pages-without-text", n=cov.pages - cov.text_pages, pages=cov.pages))
        why.append(T("EXT001.tables-not-recognised", n=cov.tables))
        if not report.quotes:
            why.append(T("EXT001.no-quotes"))
        yield self.finding(T("EXT001.not-a-report" if not_a_report(report) else "EXT001.nothing-to-verify",
                             reasons=J(why, "semicolon")),
                           values=[q.value.text for q in report.quotes])


class ExtractionProblem(Rule):
    """Parts of the report the parser found but could not read (a table row, a stage name, a page without
    text) are reported, with their place.

    Why: statcheck's worst failures were silent non-extraction: a value it could not parse hid the error in it.
    Each unread part limits what the audit can vouch for.

    Fails:
        an inventory row '原材料获取 | 0.5777 | 电力 | — | 81.9386' whose activity cell is not a number
    Passes:
        every inventory row read into stage, item, activity, factor and emissions
    """

    code = "EXT002"
    name = "unreadable-part"
    category = "extraction"
    severity = "warning"

    def check(self, report: Report, ctx: Context):
        if not_a_report(report):
            return    # EXT001 says the document is no PCF report: what could not be read of it is noise
        for n in report.notes:
            if n.severity == "info":
                continue
            yield self.finding(T("EXT002.note", code=n.code, note=recorded(n)), evidence=[n.text] if n.text else [],
                               location=n.location, severity=n.severity)


class TableNotVerified(Rule):
    """A numeric table in which no relation was recognised is listed as not verified, with its caption: its
    numbers took part in no check.

    Why: coverage a verifier can trust. A table the reader could not relate to anything is neither an error nor
    silently dropped: the verifier knows which numbers were not recomputed.

    Fails:
        表 1-1 2022-2024年主要产品产销情况 (numbers, no relation)
    Passes:
        a table whose rows obey emissions = quantity x factor
    """

    code = "EXT003"
    name = "table-not-verified"
    severity = "info"

    def check(self, report: Report, ctx: Context) -> Iterator[Finding]:
        from auditor.engine.facts import table_name, table_relations

        if not_a_report(report):
            return      # EXT001 says the document is no PCF report: its tables are not the verifier's concern
        for t in report.tables:
            if t.read_as or t.numbers < 2 or t.relations or table_relations(t, ctx):
                continue
            yield self.finding(T("EXT003.not-verified", table=table_name(t), n=t.numbers), evidence=[table_name(t)],
                               location=t.location)
