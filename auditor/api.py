"""The Python API: audit a PDF (or an already-parsed report) and get the pydantic result."""
from __future__ import annotations

import os
import traceback
from pathlib import Path

from .config import Config
from .engine import rules_version, run_rules
from .extract import extract
from .model import AuditOutput, ErrorInfo, Report, ReportResult, StageSummary, ToolInfo
from .pdf import PdfError, open_document
from .reference import load_library
from .uncertainty import soften_ocr_findings


def tool_info() -> ToolInfo:
    from . import __version__

    return ToolInfo(version=__version__, rules_version=rules_version())


def counts(findings) -> dict[str, int]:
    c = {"error": 0, "warning": 0, "info": 0}
    for f in findings:
        if getattr(f, "suppressed", None):
            continue
        c[f.severity] = c.get(f.severity, 0) + 1
    return c


def audit_report(report: Report, config: Config | None = None, path: str | None = None,
                 prose: str | None = None) -> ReportResult:
    """Run the rules on a parsed report. `prose`, the document's prose text, feeds the summary's text hash."""
    from .batch.summary import report_summary

    config = config or Config()
    library = load_library(config.factors)
    findings = run_rules(report, config, library)
    soften_ocr_findings(report, findings)
    return ReportResult(path=path or report.path or "", status="ok", findings=findings, counts=counts(findings),
                        coverage=report.coverage, stages=stage_summaries(report, config, library),
                        summary=report_summary(report, prose), identity=identity_of(report, config, library))


def identity_of(report: Report, config: Config | None = None, library=None):
    """The report's number, company, product, model, issuer, issue date and stated vs recomputed total."""
    from .engine import Context
    from .identity import report_identity

    return report_identity(report, Context(config=config or Config(), library=library or load_library()))


def stage_summaries(report: Report, config: Config | None = None, library=None) -> list[StageSummary]:
    """Each stage's printed value (results row, else the inventory stage's emissions) beside the sum of
    activity x factor over its inventory lines (when every line has both), rounded like the printed value."""
    from .engine import Context
    from .facts import line_interval
    from .numbers import fmt

    ctx = Context(config=config or Config(), library=library or load_library())
    inv, res = report.inventory, report.results
    unit = (inv.emissions_unit if inv else None) or (res.unit if res else None)
    inv_by_key = {}
    if inv:
        for st in inv.stages:
            inv_by_key.setdefault(st.stage.canonical or st.stage.name, st)

    def recompute(st, stated) -> tuple[str | None, bool | None]:
        if st is None or not st.lines or any(l.activity is None or l.factor is None for l in st.lines):
            return None, None
        try:
            total = None
            for line in st.lines:
                iv = line_interval(line, ctx.interval, inv.emissions_unit if inv else None)
                total = iv if total is None else total + iv
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


def parse(path: str | Path, ocr: str = "auto", password: str | None = None, config: Config | None = None,
          progress=None) -> Report:
    """Read a PDF into the structured report (raises PdfError; AuditTimeout past config.limits.timeout_s).
    `progress`: an optional callback progress(stage, done, total), stage "reading" (per page) then "extracting"."""
    from .limits import deadline

    config = config or Config()
    with deadline(config.limits.timeout_s, Path(path).name):
        doc = open_document(path, ocr=ocr, password=password, limits=config.limits, progress=progress)
        if progress is not None:
            progress("extracting", 0, None)
        return extract(doc)


def one_line(message: str, limit: int = 400) -> str:
    """An error message as one line: what a log line, a CSV cell and a terminal can all show."""
    text = " ".join(str(message).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def audit(path: str | Path, config: Config | None = None, ocr: str = "auto",
          password: str | None = None, progress=None) -> ReportResult:
    """Audit one PDF. Never raises for a bad input: the result has status 'error' and says why.
    `progress`: an optional callback progress(stage, done, total): "reading" per page, then "rules", and "done"
    however the file ends. `password` opens an encrypted PDF; config.limits bounds pages, inflated streams and
    time."""
    try:
        return _audit(path, config, ocr, password, progress)
    finally:
        if progress is not None:
            progress("done", 0, None)


def _audit(path: str | Path, config: Config | None, ocr: str, password: str | None, progress) -> ReportResult:
    from .limits import AuditTimeout, deadline

    path = Path(path)
    config = config or Config()
    sha = None

    def failed(code: str, message: str) -> ReportResult:
        return ReportResult(path=str(path), sha256=sha, status="error",
                            error=ErrorInfo(code=code, message=one_line(message)))

    if not path.exists():
        return failed("not-found", f"{path}: no such file or folder")
    if path.is_dir():
        return failed("no-pdf", f"{path}: is a folder; give a PDF file (`auditor check` walks folders)")
    try:
        with deadline(config.limits.timeout_s, path.name):
            doc = open_document(path, ocr=ocr, password=password, limits=config.limits, progress=progress)
            sha = doc.sha256
            if progress is not None:
                progress("rules", 0, None)
            report = extract(doc)
            result = audit_report(report, config, str(path), prose=doc.prose.text)
    except PdfError as e:
        sha = e.sha256
        return failed(e.code, e.message)
    except AuditTimeout as e:
        return failed("timeout", str(e))
    except MemoryError:
        return failed("out-of-memory", f"{path.name}: out of memory while parsing")
    except RecursionError:
        return failed("unreadable", f"{path.name}: its objects are nested too deeply to parse (a loop?)")
    except Exception as e:  # a parser bug must not crash a batch: record it
        if os.environ.get("AUDITOR_DEBUG"):
            traceback.print_exc()
        return failed("parse-failed", f"{path.name}: {type(e).__name__}: {e} (an auditor bug: please report it; "
                                      f"--debug shows the traceback)")
    result.sha256 = sha
    from .waivers import apply_waivers

    apply_waivers(result, config)
    return result


def audit_many(paths, config: Config | None = None, ocr: str = "auto", password: str | None = None) -> AuditOutput:
    return AuditOutput(tool=tool_info(), reports=[audit(p, config, ocr, password) for p in paths])
