"""The Python API: audit a PDF (or an already-parsed report) and get the pydantic result."""
from __future__ import annotations

import os
from pathlib import Path

from . import i18n
from .engine.config import Config
from .engine.opinion import not_verifiable, opinion_of
from .engine.pipeline import counts, findings_for
from .engine.reference import load_library
from .engine.registry import rules_version
from .engine.summary import identity_of, report_summary, stage_summaries
from .extract import extract, knows_table
from .i18n import Msg, T
from .model import AuditOutput, ErrorInfo, Report, ReportResult, ToolInfo
from .read import PdfError, open_document
from .read.guard import AuditTimeout, deadline
from .read.ocr import OcrOptions
from .version import __version__


def tool_info() -> ToolInfo:
    return ToolInfo(version=__version__, rules_version=rules_version())


def audit_report(report: Report, config: Config | None = None, path: str | None = None,
                 prose: str | None = None) -> ReportResult:
    """Run the rules on a parsed report (run -> soften -> waive -> count). `prose`, the document's prose text,
    feeds the summary's text hash."""
    config = config or Config()
    library = load_library(config.factors)
    path = path or report.path or ""
    findings = findings_for(report, config, library, path)
    stages = stage_summaries(report, config, library)
    result = ReportResult(path=path, status="ok", findings=findings, counts=counts(findings),
                          coverage=report.coverage, stages=stages,
                          summary=report_summary(report, prose), identity=identity_of(report, config, library),
                          opinion=opinion_of(report, findings, config, stages))
    return in_language(result, i18n.resolve(config.lang, report.language))


def in_language(result: ReportResult, lang: str) -> ReportResult:
    """The result with every message rendered in `lang` (they are made in English)."""
    if lang != i18n.DEFAULT_LANG or (result.lang not in (None, lang)):
        i18n.localize(result, lang)
    result.lang = lang
    return result


def parse(path: str | Path, ocr: str | OcrOptions = "auto", password: str | None = None, config: Config | None = None,
          progress=None) -> Report:
    """Read a PDF into the structured report (raises PdfError; AuditTimeout past config.limits.timeout_s).
    `progress`: an optional callback progress(stage, done, total), stage "reading" (per page) then "extracting"."""
    config = config or Config()
    with deadline(config.limits.timeout_s, Path(path).name):
        doc = open_document(path, ocr=ocr, password=password, limits=config.limits, progress=progress,
                            tables=knows_table)
        if progress is not None:
            progress("extracting", 0, None)
        return extract(doc)


def one_line(message: str, limit: int = 400) -> str:
    """An error message as one line: what a log line, a CSV cell and a terminal can all show. A catalogue message
    stays one (its templates are one line): its parameters are made one line each, so that it still renders in
    every language."""
    if isinstance(message, Msg):
        return Msg(message.id, {k: _one_line_param(v, limit) for k, v in message.params.items()})
    text = " ".join(str(message).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _one_line_param(v, limit: int):
    if isinstance(v, str):       # printed text, an exception's words, or a nested message
        return one_line(v, limit)
    if isinstance(v, list):
        return [_one_line_param(x, limit) for x in v]
    return v


def audit(path: str | Path, config: Config | None = None, ocr: str | OcrOptions = "auto",
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


def _audit(path: str | Path, config: Config | None, ocr: str | OcrOptions, password: str | None, progress) -> ReportResult:
    path = Path(path)
    config = config or Config()
    sha = None

    def failed(code: str, message: str) -> ReportResult:
        message = one_line(message)
        return ReportResult(path=str(path), sha256=sha, status="error",
                            error=ErrorInfo(code=code, message=message),
                            opinion=not_verifiable(T("error.not-read", code=code, message=message), config))

    if not path.exists():
        return failed("not-found", T("error.not-found", path=str(path)))
    if path.is_dir():
        return failed("no-pdf", T("error.is-folder", path=str(path)))
    try:
        with deadline(config.limits.timeout_s, path.name):
            doc = open_document(path, ocr=ocr, password=password, limits=config.limits, progress=progress,
                                tables=knows_table)
            sha = doc.sha256
            if progress is not None:
                progress("rules", 0, None)
            report = extract(doc)
            result = audit_report(report, config, str(path), prose=doc.prose.text)
    except PdfError as e:
        sha = e.sha256
        return failed(e.code, e.message)
    except AuditTimeout as e:
        return failed("timeout", e.args[0] if e.args and isinstance(e.args[0], Msg) else str(e))
    except MemoryError:
        return failed("out-of-memory", T("error.out-of-memory-parsing", name=path.name))
    except RecursionError:
        return failed("unreadable", T("error.nested-too-deep", name=path.name))
    except Exception as e:  # a parser bug must not crash a batch: record it
        if os.environ.get("AUDITOR_DEBUG"):
            import traceback

            traceback.print_exc()
        return failed("parse-failed", T("error.bug", name=path.name, error=f"{type(e).__name__}: {e}"))
    result.sha256 = sha
    return result


def audit_many(paths, config: Config | None = None, ocr: str | OcrOptions = "auto", password: str | None = None) -> AuditOutput:
    return AuditOutput(tool=tool_info(), reports=[audit(p, config, ocr, password) for p in paths])


def preload() -> None:
    """Load now what the first audit() loads on first use: the rules, the factor library, the vocabulary and the
    pieces of the PDF libraries the reader uses. For a process that forks workers afterwards, or sets its
    start-up objects aside from the cyclic garbage collector (`auditor check`)."""
    from . import model
    from .engine import config as config_models
    from .engine import reference
    from .engine.registry import registry
    from .read.reader import preload as preload_reader
    from .vocab import vocab

    for module in (model, config_models, reference):
        model.build_models(vars(module))
    registry()
    load_library()
    vocab()
    preload_reader()
