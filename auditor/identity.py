"""The identity of a report for the outputs: number, company, product, model, issuer, issue date, and the stated
total beside the sum of the stage values it is printed with (the sum ARI003 checks). Never raises."""
from __future__ import annotations

from .model import Report, ReportIdentity


def _text(t) -> str | None:
    return " ".join(t.text.split()) if t is not None and t.text and t.text.strip() else None


def _total_and_parts(report: Report):
    """(total quantity, the stage values it should be the sum of, or None), in the order ARI003 checks them."""
    res, inv = report.results, report.inventory
    if res and res.total is not None:
        return res.total, [r.value for r in res.rows] or None
    if inv and inv.total is not None:
        parts = [s.emissions for s in inv.stages if s.emissions is not None]
        return inv.total, parts if parts and len(parts) == len(inv.stages) else None
    quoted = next((q.value for q in report.quotes if q.stage is None), None)
    if quoted is not None:
        return quoted, [r.value for r in res.rows] if res and res.rows else None
    return None, None


def report_identity(report: Report, ctx=None) -> ReportIdentity | None:
    try:
        m = report.metadata
        ident = ReportIdentity(report_number=_text(m.report_number), company=_text(m.company),
                               product=_text(m.product), model=_text(m.model), issuer=_text(m.issuer),
                               issue_date=_text(m.issue_date))
        total, parts = _total_and_parts(report)
        if total is not None:
            ident.total = total.text
            ident.total_unit = total.unit or (report.results.unit if report.results else None) or (
                report.inventory.emissions_unit if report.inventory else None)
        if total is not None and parts and ctx is not None:
            from .numbers import sum_intervals

            computed = sum_intervals(ctx.interval(p) for p in parts)
            ident.total_recomputed = ctx.fmt(computed.mid, total.decimals)
            ident.total_agrees = computed.overlaps(ctx.interval(total))
        return ident
    except Exception:  # an identity for the outputs must never take the audit down
        return None
