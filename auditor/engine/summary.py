"""The report summary batch cross-checks compare: identity (number, product, model, company), the total, the
factors, and a normalised text for near-duplicate detection. Built from the Report model; never raises."""
from __future__ import annotations

import hashlib
import unicodedata

from .. import regexes as regex
from ..model import InventoryStage, Quantity, Report, ReportIdentity, ReportSummary, StageSummary
from ..numbers import Interval, fmt
from .base import Context
from .config import Config
from .facts import line_interval
from .identity import report_identity
from .reference import Library, load_library

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


def identity_of(report: Report, config: Config | None = None, library: Library | None = None) -> ReportIdentity | None:
    """The report's number, company, product, model, issuer, issue date and stated vs recomputed total."""
    return report_identity(report, Context(config=config or Config(), library=library or load_library()))


def stage_summaries(report: Report, config: Config | None = None, library: Library | None = None) -> list[StageSummary]:
    """Each stage's printed value (results row, else the inventory stage's emissions) beside the sum of
    activity x factor over its inventory lines (when every line has both), rounded like the printed value."""
    ctx = Context(config=config or Config(), library=library or load_library())
    inv, res = report.inventory, report.results
    unit = (inv.emissions_unit if inv else None) or (res.unit if res else None)
    inv_by_key: dict[str, InventoryStage] = {}
    if inv:
        for st in inv.stages:
            inv_by_key.setdefault(st.stage.canonical or st.stage.name, st)

    def recompute(st: InventoryStage | None, stated: Quantity | None) -> tuple[str | None, bool | None]:
        if st is None or not st.lines or any(l.activity is None or l.factor is None for l in st.lines):
            return None, None
        try:
            total: Interval | None = None
            for line in st.lines:
                iv = line_interval(line, ctx.interval, inv.emissions_unit if inv else None)
                if iv is None:
                    return None, None
                total = iv if total is None else total + iv
            if total is None:
                return None, None
            if stated is None:
                decimals = max([l.emissions.decimals for l in st.lines if l.emissions] or [4])
                return fmt(total.mid, decimals), None
            return fmt(total.mid, stated.decimals), total.overlaps(ctx.interval(stated))
        except Exception:  # a summary for a chart must never take the audit down
            return None, None

    out: list[StageSummary] = []
    seen: set[str] = set()
    for row in (res.rows if res else []):
        key = row.stage.canonical or row.stage.name
        if key in seen:
            continue
        seen.add(key)
        recomputed, agrees = recompute(inv_by_key.get(key), row.value)
        out.append(StageSummary(canonical=row.stage.canonical, name=row.stage.name, stated=row.value.text,
                                recomputed=recomputed, agrees=agrees, unit=unit))
    for key, st in inv_by_key.items():
        if key in seen:
            continue
        seen.add(key)
        recomputed, agrees = recompute(st, st.emissions)
        out.append(StageSummary(canonical=st.stage.canonical, name=st.stage.name,
                                stated=st.emissions.text if st.emissions else None,
                                recomputed=recomputed, agrees=agrees, unit=unit))
    return out
