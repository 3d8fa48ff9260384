"""The identity of a report for the outputs: number, company, product, model, issuer, issue date, and the stated
total beside the sum of the stage values it is printed with (the sum ARI003 checks). Never raises."""
from __future__ import annotations

from ..model import Report, ReportIdentity
from .facts import total_sums


def _text(t) -> str | None:
    return " ".join(t.text.split()) if t is not None and t.text and t.text.strip() else None


def _stated_total(report: Report):
    """The printed total when no parts go with it: the results or inventory total row, else a quoted total."""
    res, inv = report.results, report.inventory
    return ((res.total if res else None) or (inv.total if inv else None)
            or next((q.value for q in report.quotes if q.stage is None), None))


def report_identity(report: Report, ctx=None) -> ReportIdentity | None:
    try:
        m = report.metadata
        ident = ReportIdentity(report_number=_text(m.report_number), company=_text(m.company),
                               product=_text(m.product), model=_text(m.model), issuer=_text(m.issuer),
                               issue_date=_text(m.issue_date))
        sums = total_sums(report)
        total, parts = (sums[0].total, sums[0].parts) if sums else (_stated_total(report), None)
        if total is not None:
            ident.total = total.text
            ident.total_unit = total.unit or (report.results.unit if report.results else None) or (
                report.inventory.emissions_unit if report.inventory else None)
        if total is not None and parts and ctx is not None:
            from ..numbers import sum_intervals

            computed = sum_intervals(ctx.interval(p) for p in parts)
            ident.total_recomputed = ctx.fmt(computed.mid, total.decimals)
            ident.total_agrees = computed.overlaps(ctx.interval(total))
        return ident
    except Exception:  # an identity for the outputs must never take the audit down
        return None
