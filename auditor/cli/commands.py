"""The `auditor` command."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from .batch import batch as batch_command
from .options import (
    FailOn,
    OcrEngineName,
    OcrMode,
    build_config,
    check_lang,
    config_option,
    factors_option,
    fail_on_option,
    ignore_option,
    lang_option,
    ocr_cache_option,
    ocr_dpi_option,
    ocr_engine_option,
    ocr_option,
    ocr_options,
    password_option,
    select_option,
)

# Only typer at start-up: `auditor --help` must not pay for pydantic, pdfium or the rules (each command imports
# what it needs).

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None, pretty_exceptions_enable=False,
                  help="Audit product carbon-footprint (PCF) report PDFs: recompute the arithmetic, check factors, "
                       "boundaries and metadata.")


def _plain_argument_help() -> None:
    """typer 0.2x prints arguments as `{paths}...` in the usage line and `<list[Path]>` beside them: Python
    internals to a reader. Show them as click always did: PDF... (required), [RULES]... (optional), no type."""
    from typer.core import TyperArgument

    def usage_name(self) -> str:
        name = self.display_name_raw
        if not self.required:
            name = name if name.startswith("[") else f"[{name}]"
        if self.nargs != 1 and not name.endswith("..."):
            name += "..."
        return name

    TyperArgument._usage_display_name = usage_name  # type: ignore[method-assign]
    TyperArgument.display_type_rich = lambda self, ctx: None  # type: ignore[method-assign]

    # options without a metavar of their own: click's words (TEXT, INTEGER, PATH), choices as a|b
    from typer.core import TyperOption

    plain = {"str": "TEXT", "int": "INTEGER", "float": "NUMBER", "int range": "INTEGER", "float range": "NUMBER",
             "path": "PATH", "Path": "PATH", "bool": "BOOLEAN"}
    original = TyperOption.display_type_rich

    def option_type(self, ctx):
        shown = original(self, ctx)
        if self.metavar is not None or not shown:
            return shown
        inner = shown.strip("<>.").removeprefix("list[").removesuffix("]")
        return plain.get(inner, inner.upper() if inner.isidentifier() else inner)

    TyperOption.display_type_rich = option_type  # type: ignore[method-assign]


_plain_argument_help()


def _print_version(value: bool) -> None:
    if value:
        from ..version import __version__

        typer.echo(f"auditor {__version__}")
        raise typer.Exit(0)


@app.callback()
def _global(debug: bool = typer.Option(False, "--debug", help="show Python tracebacks of internal errors "
                                                               "(for bug reports)"),
            version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                         help="print the version and exit")):
    if debug:
        import os

        os.environ["AUDITOR_DEBUG"] = "1"


def report_problems(results) -> None:
    """One line on stderr for each input that could not be audited, and for each readable PDF that holds
    nothing to audit: the JSON/SARIF on stdout stays machine-readable, the terminal still says what went wrong."""
    for r in results:
        if r.status == "error" and r.error is not None:
            msg = r.error.message
            msg = msg[len(Path(r.path).name) + 2:] if msg.startswith(Path(r.path).name + ": ") else msg
            typer.echo(f"auditor: {r.path}: {r.error.code}: {msg}", err=True)
        else:
            for f in r.findings:
                if f.rule == "EXT001" and f.severity == "error" and f.suppressed is None:
                    typer.echo(f"auditor: {r.path}: {nothing_to_verify_line(f.message)}", err=True)


def nothing_to_verify_line(message: str) -> str:
    """EXT001's message, said as what the file is: a readable PDF that holds no carbon-footprint report (it was
    read and checked: "not audited" would be wrong), or a report with nothing the auditor could recompute."""
    lead, _, why = message.partition(": nothing to verify: ")
    if lead.startswith("this does not look like a carbon-footprint report"):
        found = lead[len("this does not look like a carbon-footprint report"):].strip()
        return f"no carbon-footprint report found {found}: {why}".replace("  ", " ")
    return message


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
            typer.echo(f"auditor: {e}", err=True)
            raise typer.Exit(2) from None


def write_output(path: Path, text: str, flag: str) -> None:
    """Write atomically; a failure (disk full, permissions) is one line and exit 2, never a traceback."""
    from ..outpaths import atomic_write_text

    try:
        atomic_write_text(path, text)
    except OSError as e:
        typer.echo(f"auditor: {flag} {path}: cannot write: {e.strerror or e}", err=True)
        raise typer.Exit(2) from None


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


@app.command()
def check(
    paths: list[Path] = typer.Argument(..., metavar="PDF...",
                                       help="PDF files or folders (searched recursively for *.pdf)"),
    format: str = typer.Option("text", "--format", "-f", metavar="FORMAT",
                               help="text, json (the stable contract), sarif (SARIF 2.1.0), "
                                                                 "junit (JUnit XML), github (Actions annotations), "
                                                                 "markdown or html (one self-contained page)"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE", help="write the report here instead of stdout"),
    fail_on: Optional[FailOn] = fail_on_option(),
    config: Optional[Path] = config_option(),
    select: list[str] = select_option(),
    ignore: list[str] = ignore_option(),
    factors: list[Path] = factors_option(),
    baseline: Optional[Path] = typer.Option(None, "--baseline", metavar="FILE", help="a previous JSON output: findings already in it "
                                                                     "are shown as baselined and do not fail"),
    write_baseline: Optional[Path] = typer.Option(None, "--write-baseline", metavar="FILE", help="write this run's JSON output as a "
                                                                                "baseline file"),
    annotate: Optional[Path] = typer.Option(None, "--annotate", metavar="DIR", help="write annotated copies of the PDFs into DIR"),
    ocr: OcrMode = ocr_option(),
    ocr_engine: Optional[OcrEngineName] = ocr_engine_option(),
    ocr_dpi: int = ocr_dpi_option(),
    ocr_cache: Optional[str] = ocr_cache_option(),
    color: Optional[bool] = typer.Option(None, "--color/--no-color", help="colour text output (default: if a tty)"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="text: no step-by-step working"),
    password: Optional[str] = password_option(),
    lang: Optional[str] = lang_option(),
):
    """Audit PDFs and print the findings. Exit 0: clean at --fail-on; 1: findings at or above it; 2: an input
    could not be audited or bad usage."""
    from .. import output as outputs
    from ..api import audit, tool_info
    from ..model import AuditOutput

    if format not in outputs.FORMATS:
        typer.echo(f"auditor: unknown format {format!r}; choose from {', '.join(outputs.FORMATS)}", err=True)
        raise typer.Exit(2)
    cfg = build_config(config, select, ignore, factors, fail_on, lang)
    files, missing = find_pdfs(paths)
    refuse_unsafe_outputs([*paths, *files], output=("--output", output), baseline=("--write-baseline",
                                                                                    write_baseline))
    if annotate is not None:
        from ..output.annotate import AnnotateError, check_folder

        try:
            check_folder(annotate, files, searched=[p for p in paths if p.is_dir()])
        except AnnotateError as e:
            typer.echo(f"auditor: --annotate: {e}", err=True)
            raise typer.Exit(2) from None
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
    from ..output.common import output_lang
    loaded_baseline = None
    if baseline is not None:
        from ..engine.baseline import apply_baseline, load_baseline

        try:
            loaded_baseline = load_baseline(baseline)
        except (OSError, ValueError) as e:
            typer.echo(f"auditor: cannot read baseline {baseline}: {e}", err=True)
            raise typer.Exit(2) from None
        apply_baseline(out, loaded_baseline)
    if write_baseline is not None:
        write_output(write_baseline, outputs.render("json", out), "--write-baseline")
    annotate_failed = False
    if annotate is not None:
        from ..output.annotate import annotate_all

        done = annotate_all(out, annotate, cfg.lang)
        for problem in done.problems:
            typer.echo(f"auditor: --annotate: {problem}", err=True)
        annotate_failed = bool(done.problems)
        if done.written:
            names = ", ".join(p.name for p in done.written[:5]) + (" ..." if len(done.written) > 5 else "")
            typer.echo("auditor: " + i18n.t("cli.annotated", output_lang(out, {"lang": cfg.lang}),
                                            n=len(done.written), folder=f"{annotate}/", names=names), err=True)
    use_color = color if color is not None else (output is None and sys.stdout.isatty())
    text = outputs.render(format, out, color=use_color, verbose=not quiet, fail_on=cfg.fail_on, config=cfg,
                          baseline=loaded_baseline, terminal=output is None and sys.stdout.isatty(), lang=cfg.lang)
    if output is not None:
        write_output(output, text, "--output")
    else:
        sys.stdout.write(text)
    code = gate(out, cfg.fail_on)
    raise typer.Exit(2 if annotate_failed else code)


@app.command()
def extract(
    path: Path = typer.Argument(..., metavar="PDF", help="a PDF"),
    format: str = typer.Option("json", "--format", "-f", metavar="FORMAT", help="json or markdown"),
    ocr: OcrMode = ocr_option(),
    ocr_engine: Optional[OcrEngineName] = ocr_engine_option(),
    ocr_dpi: int = ocr_dpi_option(),
    ocr_cache: Optional[str] = ocr_cache_option(),
    password: Optional[str] = password_option(),
    config: Optional[Path] = config_option("auditor.toml or pyproject.toml (for its limits)"),
):
    """Print the structured report the parser read from a PDF."""
    from ..api import one_line, parse
    from ..read.document import PdfError
    from ..read.guard import AuditTimeout
    from .progress import terminal_progress

    if format not in ("json", "markdown"):
        typer.echo(f"auditor: unknown format {format!r}; choose json or markdown", err=True)
        raise typer.Exit(2)
    cfg = build_config(config, [], [], [])
    ocr_opts = ocr_options(ocr, ocr_engine, ocr_dpi, ocr_cache, inputs=[path])
    try:
        report = parse(path, ocr=ocr_opts, password=password, config=cfg,
                       progress=terminal_progress(path.name))
    except PdfError as e:
        typer.echo(f"auditor: {path}: {e.code}: {one_line(e.message)}", err=True)
        raise typer.Exit(2) from None
    except AuditTimeout as e:
        typer.echo(f"auditor: {path}: timeout: {e}", err=True)
        raise typer.Exit(2) from None
    except MemoryError:
        typer.echo(f"auditor: {path}: out-of-memory: out of memory while parsing", err=True)
        raise typer.Exit(2) from None
    if format == "json":
        sys.stdout.write(report.model_dump_json(indent=2, exclude_none=True) + "\n")
    else:
        from ..output.extract_md import render_report

        sys.stdout.write(render_report(report))


@app.command()
def schema(which: str = typer.Argument("all", metavar="[report|findings|all]", help="report, findings or all")):
    """Print the JSON Schemas of the structured report and of the findings output (from the pydantic models)."""
    from ..model import AuditOutput, Report

    schemas = {"report": Report.model_json_schema(), "findings": AuditOutput.model_json_schema()}
    if which == "all":
        sys.stdout.write(json.dumps(schemas, ensure_ascii=False, indent=2) + "\n")
    elif which in schemas:
        sys.stdout.write(json.dumps(schemas[which], ensure_ascii=False, indent=2) + "\n")
    else:
        typer.echo("auditor: choose report, findings or all", err=True)
        raise typer.Exit(2)


@app.command("rules")
def rules_cmd(
    selectors: list[str] = typer.Argument(None, metavar="[RULES]...", help="only rules matching these codes, prefixes, names or categories"),
    format: str = typer.Option("text", "--format", "-f", metavar="FORMAT", help="text, json or markdown (the full catalogue with docs)"),
    lang: Optional[str] = lang_option(),
):
    """List the rules: code, name, category, default severity, summary."""
    from .. import i18n
    from ..engine.registry import registry, rules_catalogue_markdown
    from ..engine.select import _hits

    language = i18n.resolve(check_lang(lang))
    items = [r.describe(language) for c, r in registry().items()
             if not selectors or any(_hits(p, c, r.name, r.category) for p in selectors)]
    if selectors and not items:
        typer.echo(f"auditor: no rule matches {' '.join(selectors)}; `auditor rules` lists them", err=True)
        raise typer.Exit(2)
    if format == "json":
        sys.stdout.write(json.dumps(items, ensure_ascii=False, indent=2) + "\n")
        return
    if format == "markdown":
        sys.stdout.write(rules_catalogue_markdown([i["code"] for i in items], language))
        return
    if format != "text":
        typer.echo("auditor: choose text, json or markdown", err=True)
        raise typer.Exit(2)
    # one line per rule when the terminal is wide enough; otherwise the summary wraps (at spaces) under its own
    # column, or below the name when that column would be too narrow. Piped: 80 columns.
    import shutil

    from ..output.text import Seg, wrap

    width = max(40, shutil.get_terminal_size((80, 24)).columns) if sys.stdout.isatty() else 80
    name_w = max([32] + [len(i["name"]) for i in items])
    head_w = 8 + name_w + 1 + 13 + 9
    hang = head_w if width - head_w >= 30 else 8
    for i in items:
        head = f"{i['code']:7} {i['name']:{name_w}} {i['category']:12} {i['severity']:8}"
        summary = " ".join(str(i["summary"]).split())
        if hang == head_w:
            lines = wrap([(f"{head} {summary}", None)], width, hang)
        else:
            head_line: list[Seg] = [(head.rstrip(), None)]
            lines = [head_line] + wrap([(" " * hang + summary, None)], width, hang)
        for line in lines:
            sys.stdout.write("".join(t for t, _ in line).rstrip() + "\n")


@app.command()
def explain(code: str = typer.Argument(..., metavar="RULE", help="a rule code (ARI001) or name (line-product-mismatch)"),
            lang: Optional[str] = lang_option()):
    """Print a rule's documentation: what it checks, why, a failing and a passing example, its settings."""
    from .. import i18n
    from ..engine.registry import explain_text, registry

    language = i18n.resolve(check_lang(lang))
    reg = registry()
    rule = reg.get(code.upper()) or next((r for r in reg.values() if r.name == code.lower()), None)
    if rule is None:
        from ..engine.select import near_names

        near = near_names(code, limit=3, cutoff=60, categories=False)
        hint = f"; did you mean {' or '.join(near)}?" if near else ""
        typer.echo(f"auditor: no rule {code!r}{hint} (`auditor rules` lists them)", err=True)
        raise typer.Exit(2)
    sys.stdout.write(explain_text(rule, language))


app.command("batch")(batch_command)   # last in --help, after the single-report commands


def main() -> None:
    import os

    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as e:  # typer's own exits are SystemExit and pass through
        if os.environ.get("AUDITOR_DEBUG") or "--debug" in sys.argv:
            raise
        msg = " ".join(str(e).split())[:300]
        sys.stderr.write(f"auditor: internal error: {type(e).__name__}: {msg} (run with --debug for the traceback, "
                         f"and please report it)\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
