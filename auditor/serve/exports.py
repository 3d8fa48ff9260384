"""Exports of a report's review: its findings with the decisions (xlsx, csv), the verification record, and the
accepted findings as `[[waivers]]` for auditor.toml."""
from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable, Iterable

from ..model import ReportResult
from .views import FindingView
from .words import ACTION, CONCLUSION

FINDING_COLUMNS = ("#", "rule", "name", "severity", "stage", "page", "message", "stated", "expected", "cause",
                   "working", "state", "decision", "reason or comment", "verifier", "decided at", "fingerprint")


def _safe(value) -> object:
    """A cell a spreadsheet will not run: text starting with = + @ (or - before a non-number) gets a quote."""
    if not isinstance(value, str) or not value:
        return value
    if value[0] in "=+@\t\r" or (value[0] == "-" and not value[1:2].replace(".", "").isdigit()):
        return "'" + value
    return value


def finding_rows(views: list[FindingView], _: Callable[[str], str], lang: str) -> list[list]:
    from ..output.common import severity

    def severity_label(s: str) -> str:
        return severity(s, lang)

    rows = []
    for v in views:
        f = v.f
        notes = [f"{d['action']}: {d['text']}" if d["text"] else d["action"] for d in v.history]
        last = v.history[-1] if v.history else None
        rows.append([v.n, f.rule, f.name, severity_label(f.severity), v.stage, f.location.page if f.location else None, f.message,
                     v.stated, v.expected, f.cause, "\n".join(f.detail.steps) if f.detail else None, _(v.state),
                     _(ACTION[v.decision["action"]]) if v.decision else None, "\n".join(notes) or None,
                     last["verifier"] if last else None, last["decided_at"] if last else None, f.fingerprint])
    return rows


def record_rows(rep: ReportResult, name: str, record, _: Callable[[str], str],
                lang: str) -> list[tuple[str, object]]:
    from ..output.common import verdict_text

    ident = rep.identity
    op = rep.opinion
    rows: list[tuple[str, object]] = [(_("File"), name), ("sha256", rep.sha256)]
    if ident is not None:
        for key, label in (("report_number", "Report no."), ("company", "Company"), ("product", "Product"),
                           ("model", "Model"), ("issuer", "Issuer"), ("issue_date", "Issued")):
            rows.append((_(label), getattr(ident, key)))
        rows.append((_("Stated total"), f"{ident.total} {ident.total_unit or ''}".strip() if ident.total else None))
    rows.append((_("Auditor's verdict"), verdict_text(op.verdict, lang) if op else None))
    rows.append((_("Why"), op.reason if op else None))
    if record is not None:
        rows += [(_("Verifier"), record["verifier"]), (_("Date"), record["verified_on"]),
                 (_("Conclusion"), _(CONCLUSION[record["conclusion"]])), (_("Comments"), record["comments"]),
                 (_("Recorded at"), record["recorded_at"])]
    else:
        rows.append((_("Conclusion"), _("not recorded yet")))
    return rows


def xlsx(rep: ReportResult, name: str, views: list[FindingView], record, _: Callable[[str], str],
         lang: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = _("Findings")[:31]
    ws.append([_(c) for c in FINDING_COLUMNS])
    for row in finding_rows(views, _, lang):
        ws.append([_safe(c) for c in row])
    bold = Font(bold=True)
    for cell in ws[1]:
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="E8EDF3")
    widths = (5, 9, 26, 9, 18, 6, 70, 12, 12, 40, 60, 11, 11, 40, 14, 24, 18)
    for i, w in enumerate(widths):
        ws.column_dimensions[ws.cell(row=1, column=i + 1).column_letter].width = w
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
    ws.freeze_panes = "A2"
    rs = wb.create_sheet(_("Verification record")[:31])
    for label, value in record_rows(rep, name, record, _, lang):
        rs.append([_safe(label), _safe(value)])
    rs.column_dimensions["A"].width = 22
    rs.column_dimensions["B"].width = 90
    for cell in rs["A"]:
        cell.font = bold
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_text(views: list[FindingView], _: Callable[[str], str], lang: str) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([_(c) for c in FINDING_COLUMNS])
    for row in finding_rows(views, _, lang):
        w.writerow([_safe(c) for c in row])
    return "\ufeff" + buf.getvalue()      # a BOM: Excel opens UTF-8 (Chinese) correctly


def _comment(s: str | None) -> str:
    """Text for a TOML comment: one line, no control characters."""
    lines = (s or "").splitlines()
    return "".join(c if c >= " " and c != "\x7f" else " " for c in (lines[0] if lines else ""))[:150]


def _toml(s: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(s, ensure_ascii=False)


def waivers_toml(items: Iterable[tuple[str, FindingView | dict]], title: str) -> str:
    """`[[waivers]]` for every accepted finding: (report name, the finding's view or a decision row)."""
    out = [f"# {_comment(title)}", "# accepted findings as waivers: put them in auditor.toml (or under [tool.auditor] in "
                         "pyproject.toml as [[tool.auditor.waivers]])", ""]
    n = 0
    for name, item in items:
        if isinstance(item, FindingView):
            d = item.decision
            if d is None or d["action"] != "accept":
                continue
            rule, value, message = item.f.rule, item.value, item.f.message
        else:
            d = item
            rule, value, message = d["rule"], d["value"], d["message"]
        n += 1
        out.append(f"# {_comment(message) or rule}")
        out.append(f"# accepted by {_comment(d['verifier'])} at {_comment(d['decided_at'])}")
        out.append("[[waivers]]")
        out.append(f"rule = {_toml(rule)}")
        if value:
            out.append(f"value = {_toml(value)}")
        out.append(f"path = {_toml(os.path.basename(name) or name)}")
        out.append(f"reason = {_toml(d['text'] or '')}")
        out.append("")
    if not n:
        out.append("# (no accepted findings)")
    return "\n".join(out) + "\n"
