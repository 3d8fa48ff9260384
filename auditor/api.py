"""The Python API: audit a PDF (or an already-parsed report) and get the pydantic result."""
from __future__ import annotations

from pathlib import Path

from .config import Config
from .engine import rules_version, run_rules
from .extract import extract
from .model import AuditOutput, ErrorInfo, Report, ReportResult, ToolInfo
from .pdf import PdfError, open_document, sha256_file
from .reference import load_library


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


def audit_report(report: Report, config: Config | None = None, path: str | None = None) -> ReportResult:
    """Run the rules on a parsed report."""
    config = config or Config()
    findings = run_rules(report, config, load_library(config.factors))
    return ReportResult(path=path or report.path or "", status="ok", findings=findings, counts=counts(findings),
                        coverage=report.coverage)


def parse(path: str | Path, ocr: str = "auto") -> Report:
    """Read a PDF into the structured report (raises PdfError)."""
    return extract(open_document(path, ocr=ocr))


def audit(path: str | Path, config: Config | None = None, ocr: str = "auto") -> ReportResult:
    """Audit one PDF. Never raises for a bad input: the result has status 'error' and says why."""
    path = Path(path)
    config = config or Config()
    sha = None
    try:
        if path.is_file():
            sha = sha256_file(path)
        doc = open_document(path, ocr=ocr)
        report = extract(doc)
    except PdfError as e:
        return ReportResult(path=str(path), sha256=sha, status="error", error=ErrorInfo(code=e.code, message=e.message))
    except MemoryError:
        return ReportResult(path=str(path), sha256=sha, status="error",
                            error=ErrorInfo(code="out-of-memory", message=f"{path.name}: out of memory while parsing"))
    except Exception as e:  # a parser bug must not crash a batch: record it
        return ReportResult(path=str(path), sha256=sha, status="error",
                            error=ErrorInfo(code="parse-failed", message=f"{path.name}: {type(e).__name__}: {e}"))
    result = audit_report(report, config, str(path))
    result.sha256 = sha
    from .waivers import apply_waivers

    apply_waivers(result, config)
    return result


def audit_many(paths, config: Config | None = None, ocr: str = "auto") -> AuditOutput:
    return AuditOutput(tool=tool_info(), reports=[audit(p, config, ocr) for p in paths])
