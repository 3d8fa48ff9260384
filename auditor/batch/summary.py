"""The report summary batch cross-checks compare: identity (number, product, model, company), the total, the
factors, and a normalised text for near-duplicate detection. Built from the Report model; never raises."""
from __future__ import annotations

import hashlib
import unicodedata

import regex

from ..model import Report, ReportSummary

TEXT_CHARS = 5000
_NOT_WORD = regex.compile(r"[\W_]+")


def normalise_text(text: str) -> str:
    """NFKC, casefolded, letters and digits only (CJK included): layout, spacing and punctuation vanish."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text or "").casefold())


def _text(t) -> str | None:
    return " ".join(t.text.split()) if t is not None and t.text and t.text.strip() else None


def _total(report: Report):
    if report.results and report.results.total:
        return report.results.total
    if report.inventory and report.inventory.total:
        return report.inventory.total
    for q in report.quotes:
        if q.stage is None:
            return q.value
    return None


def report_summary(report: Report, prose: str | None = None) -> ReportSummary | None:
    try:
        m = report.metadata
        total = _total(report)
        factors = []
        for st in (report.inventory.stages if report.inventory else []):
            for line in st.lines:
                if line.factor is None:
                    continue
                item = (line.item or line.stage.name or "").strip()
                unit = f" {line.factor.unit}" if line.factor.unit else ""
                factors.append(f"{item}={line.factor.text}{unit}")
        norm = normalise_text(prose) if prose else ""
        return ReportSummary(report_number=_text(m.report_number), product=_text(m.product), model=_text(m.model),
                             company=_text(m.company), total=total.text if total else None,
                             total_unit=(total.unit if total else None) or (
                                 report.results.unit if report.results else None),
                             factors=factors,
                             text_sha256=hashlib.sha256(norm.encode()).hexdigest() if norm else None,
                             text=norm[:TEXT_CHARS])
    except Exception:  # a summary for cross-checks must never take the audit down
        return None
