"""OCR uncertainty: a digit read with low confidence must not become a confident arithmetic error.

After the rules ran, an error that rests on a number OCR read with low confidence (Quantity.confidence below
auditor.ocr.LOW_CONFIDENCE) is lowered to a warning and says why, with the crop's page and box.
"""
from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel

from ..i18n import J, T, recorded
from ..model import Finding, Quantity, Report


def walk_quantities(report: Report) -> Iterator[Quantity]:
    """Every Quantity in the report (walks the model, so new parts are covered too)."""
    stack = [report]
    while stack:
        obj = stack.pop()
        if isinstance(obj, Quantity):
            yield obj
        elif isinstance(obj, list):
            stack.extend(obj)
        elif isinstance(obj, BaseModel):
            stack.extend(getattr(obj, name) for name in type(obj).model_fields)


def soften_ocr_findings(report: Report, findings: list[Finding]) -> None:
    from ..read.ocr import LOW_CONFIDENCE

    shaky: dict[str, list[Quantity]] = {}
    for q in walk_quantities(report):
        if q.confidence is not None and q.confidence < LOW_CONFIDENCE:
            shaky.setdefault(q.text, []).append(q)
    if not shaky:
        return
    for f in findings:
        if f.severity != "error" or f.category not in ("arithmetic", "percentage", "factor"):
            continue
        suspects = [q for v in f.values for q in shaky.get(v, [])
                    if f.location is None or q.location is None or q.location.page == f.location.page]
        if not suspects:
            continue
        q = min(suspects, key=lambda x: x.confidence if x.confidence is not None else LOW_CONFIDENCE)
        where = T("place.page-box", page=q.location.page, box=str(list(q.location.bbox))) \
            if q.location and q.location.bbox else "?"
        f.severity = "warning"
        note = T("cause.ocr-uncertain", text=q.text, confidence=f"{q.confidence:.0f}", where=where)
        cause = J([note, recorded(f, "cause")], "semicolon") if f.cause else note
        f.cause = cause
        f.texts = {**f.texts, "cause": cause.msg_json()}      # the model records what it is given at creation
