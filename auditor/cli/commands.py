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
    typer_errors,
)
from .plain import internal_error
from .serve import serve as serve_command

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
    from . import plain

    with typer_errors():
        plain.check(paths=paths, format=format, output=output, fail_on=fail_on, config=config, select=select,
                    ignore=ignore, factors=factors, baseline=baseline, write_baseline=write_baseline,
                    annotate=annotate, ocr=ocr, ocr_engine=ocr_engine, ocr_dpi=ocr_dpi, ocr_cache=ocr_cache,
                    color=color, quiet=quiet, password=password, lang=lang)


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
        from ..batch.crosscheck import DOCS, RULES

        batch_code = code.upper() if code.upper() in RULES else next(
            (c for c, (name, _) in RULES.items() if name == code.lower()), None)
        if batch_code is not None:
            from ..engine.base import rule_docs

            name, severity = RULES[batch_code]
            sys.stdout.write("\n".join([f"{batch_code} {name}", i18n.t("rules.batch-meta", language,
                                                                          severity=severity), "",
                                          rule_docs(batch_code, DOCS[batch_code], language), ""]) + "\n")
            return
        from ..engine.select import near_names

        near = near_names(code, limit=3, cutoff=60, categories=False)
        hint = f"; did you mean {' or '.join(near)}?" if near else ""
        typer.echo(f"auditor: no rule {code!r}{hint} (`auditor rules` lists them)", err=True)
        raise typer.Exit(2)
    sys.stdout.write(explain_text(rule, language))


app.command("batch")(batch_command)   # last in --help, after the single-report commands
app.command("serve")(serve_command)   # the workbench (the serve extra)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as e:  # typer's own exits are SystemExit and pass through
        internal_error(e)


if __name__ == "__main__":
    main()
