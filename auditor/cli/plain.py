"""What the commands do, without typer: the choices, the configuration the options build, and `check` itself.

typer (with the pydantic adapters it builds for every parameter) costs tens of milliseconds of every run, so
`auditor check` is run from here: by the typer command (:mod:`.commands`), and by :mod:`.fast` when
its command line needs no typer. Exits and usage errors are this module's own exceptions; the typer commands
turn them into typer's (:func:`.options.typer_errors`), so both ways print the same lines and exit the same way.
Messages go through typer's own `echo`, imported when there is a message to print.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, Optional

if TYPE_CHECKING:
    from ..engine.config import Config


class Exit(Exception):
    """Leave the command with this exit code (typer.Exit in a typer command)."""

    def __init__(self, code: int = 0):
        super().__init__(code)
        self.code = code


class UsageError(Exception):
    """A bad parameter (typer.BadParameter in a typer command: usage line, the message, exit 2)."""

    def __init__(self, message: str, param_hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.param_hint = param_hint


def echo(message: str, err: bool = False) -> None:
    """typer's echo (click's: flushed, ANSI codes stripped where they are not shown, encodings handled)."""
    from typer import echo as typer_echo

    typer_echo(message, err=err)


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"
    material = "material"
    never = "never"


class OcrMode(str, Enum):
    auto = "auto"
    off = "off"
    force = "force"


class OcrEngineName(str, Enum):
    rapidocr = "rapidocr"
    tesseract = "tesseract"


# ---------------------------------------------------------------- the configuration the options build

def ocr_options(mode: OcrMode, engine: Optional[OcrEngineName], dpi: int, cache: Optional[str],
                inputs: Sequence[Path] = ()):
    """The OcrOptions the command line asks for. A cache that would write over a file is refused (exit 2, one
    line): a PDF or an input as its database, a file as its folder."""
    from ..read.ocr import OcrOptions

    if cache and cache not in ("off", "none"):
        problem = _unsafe_cache(cache, list(inputs))
        if problem:
            echo(f"auditor: --ocr-cache {cache}: {problem}", err=True)
            raise Exit(2)
    return OcrOptions(mode=mode.value, engine=engine.value if engine else None, dpi=dpi, cache=cache)


def _unsafe_cache(cache: str, inputs: list[Path]) -> str | None:
    if cache.startswith("sqlite:"):
        db = Path(cache[len("sqlite:"):])
        if db.suffix.lower() == ".pdf" or any(db.resolve() == p.resolve() for p in inputs):
            return "the database would be written over an input or a PDF"
        return None
    folder = Path(cache)
    if folder.exists() and not folder.is_dir():
        return "is a file, not a folder"
    return None         # a folder is safe anywhere: the cache writes only <folder>/xx/<hash>.json.gz files


def unknown_cli_selectors(*groups: tuple[str, list[str]]) -> str | None:
    """A message for selectors given on the command line that name no rule (a typo would run nothing, or skip
    nothing, and still print "0 errors"), with the nearest names; None when all are known."""
    if not any(patterns for _, patterns in groups):
        return None
    from ..engine.select import names_a_rule, near_names

    problems = []
    for flag, patterns in groups:
        for p in patterns:
            if not names_a_rule(p):
                near = near_names(p, limit=2, cutoff=70)
                hint = f" (did you mean {' or '.join(near)}?)" if near else ""
                problems.append(f"{flag} {p!r} names no rule{hint}")
    if not problems:
        return None
    return "; ".join(problems) + "; `auditor rules` lists codes, names and categories"


def check_lang(lang: Optional[str], flag: str = "--lang") -> Optional[str]:
    """The language when a catalogue exists for it; else one line and exit 2."""
    if not lang:
        return None
    from .. import i18n

    try:
        return i18n.check_lang(lang)
    except ValueError as e:
        echo(f"auditor: {flag}: {e}", err=True)
        raise Exit(2) from None


def build_config(config: Optional[Path], select: list[str], ignore: list[str], factors: list[Path],
                 fail_on: Optional[FailOn] = None, lang: Optional[str] = None) -> Config:
    if config is not None and not config.is_file():
        raise UsageError(f"config file {config} not found", param_hint="--config")
    from ..engine.configure import load_config

    try:
        cfg = load_config(config)
    except Exception as e:
        echo(f"auditor: bad configuration: {e}", err=True)
        raise Exit(2) from None
    cli_select = [s.strip() for x in select for s in x.split(",") if s.strip()]
    cli_ignore = [s.strip() for x in ignore for s in x.split(",") if s.strip()]
    bad = unknown_cli_selectors(("--select", cli_select), ("--ignore", cli_ignore))
    if bad:
        echo(f"auditor: {bad}", err=True)
        raise Exit(2)
    if cli_select:
        cfg.select = cli_select
    if cli_ignore:
        cfg.ignore = cfg.ignore + cli_ignore
    for f in factors:
        if not f.is_file():
            raise UsageError(f"factor file {f} not found", param_hint="--factors")
        cfg.factors.append(str(f.resolve()))
    if fail_on is not None:
        cfg.fail_on = fail_on.value
    if cfg.lang:
        check_lang(cfg.lang, "bad configuration: lang")
    if lang:
        cfg.lang = check_lang(lang)
    return cfg


# ---------------------------------------------------------------- `auditor check`

def report_problems(results) -> None:
    """One line on stderr for each input that could not be audited, and for each readable PDF that holds
    nothing to audit: the JSON/SARIF on stdout stays machine-readable, the terminal still says what went wrong."""
    for r in results:
        if r.status == "error" and r.error is not None:
            msg = r.error.message
            msg = msg[len(Path(r.path).name) + 2:] if msg.startswith(Path(r.path).name + ": ") else msg
            echo(f"auditor: {r.path}: {r.error.code}: {msg}", err=True)
        else:
            for f in r.findings:
                if f.rule == "EXT001" and f.severity == "error" and f.suppressed is None:
                    echo(f"auditor: {r.path}: {nothing_to_verify_line(f, r.lang)}", err=True)


def nothing_to_verify_line(f, lang: str | None) -> str:
    """EXT001's message, said as what the file is: a readable PDF that holds no carbon-footprint report (it was
    read and checked: "not audited" would be wrong), or a report with nothing the auditor could recompute."""
    if f.message_id == "EXT001.not-a-report":
        from .. import i18n

        return i18n.t("cli.no-report-found", lang or i18n.DEFAULT_LANG, reasons=f.params.get("reasons", ""))
    return f.message


def find_pdfs(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """Files as given; folders walked recursively for *.pdf (any case). Returns (files, missing)."""
    files: list[Path] = []
    missing: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(sorted(x for x in p.rglob("*") if x.is_file() and x.suffix.lower() == ".pdf"))
        elif p.exists():
            files.append(p)
        else:
            missing.append(p)
    return files, missing


def refuse_unsafe_outputs(inputs: list[Path], **outputs: tuple[str, Optional[Path]]) -> None:
    """Exit 2 with one line, before any work, when an output would replace an input or an existing PDF, is a
    folder, or lies in a folder that does not exist."""
    from ..outpaths import UnsafeOutput, check_output

    for flag, path in outputs.values():
        if path is None:
            continue
        try:
            check_output(path, inputs, flag)
        except UnsafeOutput as e:
            echo(f"auditor: {e}", err=True)
            raise Exit(2) from None


def write_output(path: Path, text: str, flag: str) -> None:
    """Write atomically; a failure (disk full, permissions) is one line and exit 2, never a traceback."""
    from ..outpaths import atomic_write_text

    try:
        atomic_write_text(path, text)
    except OSError as e:
        echo(f"auditor: {flag} {path}: cannot write: {e.strerror or e}", err=True)
        raise Exit(2) from None


def gate(output, fail_on: str) -> int:
    """0: nothing at or above the gate; 1: something; 2: an input could not be audited."""
    if any(r.status == "error" for r in output.reports):
        return 2
    if fail_on == "never":
        return 0
    if fail_on == "material":
        from ..engine.opinion import gate_fails

        return 1 if any(gate_fails(r.opinion.verdict if r.opinion else None) for r in output.reports) else 0
    from ..model import SEVERITY_RANK

    level = SEVERITY_RANK[fail_on]
    for r in output.reports:
        for f in r.findings:
            if f.suppressed is None and SEVERITY_RANK[f.severity] >= level:
                return 1
    return 0


def check(paths: list[Path], format: str = "text", output: Optional[Path] = None, fail_on: Optional[FailOn] = None,
          config: Optional[Path] = None, select: Sequence[str] = (), ignore: Sequence[str] = (),
          factors: Sequence[Path] = (), baseline: Optional[Path] = None, write_baseline: Optional[Path] = None,
          annotate: Optional[Path] = None, ocr: OcrMode = OcrMode.auto, ocr_engine: Optional[OcrEngineName] = None,
          ocr_dpi: int = 200, ocr_cache: Optional[str] = None, color: Optional[bool] = None, quiet: bool = False,
          password: Optional[str] = None, lang: Optional[str] = None) -> NoReturn:
    """`auditor check` with its options' values: audits, prints, and raises Exit with the command's exit code."""
    from .. import output as outputs
    from ..api import audit, tool_info
    from ..model import AuditOutput

    if format not in outputs.FORMATS:
        echo(f"auditor: unknown format {format!r}; choose from {', '.join(outputs.FORMATS)}", err=True)
        raise Exit(2)
    cfg = build_config(config, list(select), list(ignore), list(factors), fail_on, lang)
    files, missing = find_pdfs(paths)
    refuse_unsafe_outputs([*paths, *files], output=("--output", output), baseline=("--write-baseline",
                                                                                    write_baseline))
    if annotate is not None:
        from ..output.annotate import AnnotateError, check_folder

        try:
            check_folder(annotate, files, searched=[p for p in paths if p.is_dir()])
        except AnnotateError as e:
            echo(f"auditor: --annotate: {e}", err=True)
            raise Exit(2) from None
    results = []
    from .. import i18n
    from ..api import in_language
    from ..model import ErrorInfo, ReportResult

    for m in missing:
        results.append(in_language(ReportResult(path=str(m), status="error", error=ErrorInfo(
            code="not-found", message=i18n.T("cli.not-found", path=str(m)))), i18n.resolve(cfg.lang)))
    for p in paths:
        if p.is_dir() and not any(str(f).startswith(str(p)) for f in files):
            results.append(in_language(ReportResult(path=str(p), status="error", error=ErrorInfo(
                code="no-pdf", message=i18n.T("cli.no-pdf-in-folder", path=str(p)))), i18n.resolve(cfg.lang)))
    from .progress import terminal_progress
    ocr_opts = ocr_options(ocr, ocr_engine, ocr_dpi, ocr_cache, inputs=list(paths))
    for f in files:
        # None unless stderr is a terminal; audit() ends it with "done" however the file ends
        results.append(audit(f, cfg, ocr=ocr_opts, password=password, progress=terminal_progress(Path(f).name)))
    report_problems(results)
    out = AuditOutput(tool=tool_info(), reports=results)
    loaded_baseline = None
    if baseline is not None:
        from ..engine.baseline import apply_baseline, load_baseline

        try:
            loaded_baseline = load_baseline(baseline)
        except (OSError, ValueError) as e:
            echo(f"auditor: cannot read baseline {baseline}: {e}", err=True)
            raise Exit(2) from None
        apply_baseline(out, loaded_baseline)
    if write_baseline is not None:
        write_output(write_baseline, outputs.render("json", out), "--write-baseline")
    annotate_failed = False
    if annotate is not None:
        from ..output.annotate import annotate_all
        from ..output.common import output_lang

        done = annotate_all(out, annotate, cfg.lang)
        for problem in done.problems:
            echo(f"auditor: --annotate: {problem}", err=True)
        annotate_failed = bool(done.problems)
        if done.written:
            names = ", ".join(p.name for p in done.written[:5]) + (" ..." if len(done.written) > 5 else "")
            echo("auditor: " + i18n.t("cli.annotated", output_lang(out, {"lang": cfg.lang}),
                                      n=len(done.written), folder=f"{annotate}/", names=names), err=True)
    use_color = color if color is not None else (output is None and sys.stdout.isatty())
    text = outputs.render(format, out, color=use_color, verbose=not quiet, fail_on=cfg.fail_on, config=cfg,
                          baseline=loaded_baseline, terminal=output is None and sys.stdout.isatty(), lang=cfg.lang)
    if output is not None:
        write_output(output, text, "--output")
    else:
        sys.stdout.write(text)
    code = gate(out, cfg.fail_on)
    raise Exit(2 if annotate_failed else code)


def internal_error(e: Exception) -> NoReturn:
    """An exception no command expected: one line and exit 2 (the traceback with --debug or AUDITOR_DEBUG)."""
    if os.environ.get("AUDITOR_DEBUG") or "--debug" in sys.argv:
        raise e
    msg = " ".join(str(e).split())[:300]
    sys.stderr.write(f"auditor: internal error: {type(e).__name__}: {msg} (run with --debug for the traceback, "
                     f"and please report it)\n")
    sys.exit(2)
