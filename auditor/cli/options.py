"""CLI choices and options shared by `check`, `extract` and `batch` (a module of their own: all import it).
The options are functions: each command gets its own typer.Option with the same flag, default and help."""
from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

if TYPE_CHECKING:
    from ..engine.config import Config


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


def fail_on_option():
    return typer.Option(None, "--fail-on", metavar="error|warning|info|material|never",
                        help="lowest severity that fails (exit 1); default error. material: fail a report whose "
                             "verdict is material misstatement, nonconformity or not verifiable")


def config_option(help: str = "auditor.toml or pyproject.toml with [tool.auditor]"):
    return typer.Option(None, "--config", metavar="FILE", help=help)


def select_option():
    return typer.Option([], "--select", metavar="RULES", help="run only these codes, prefixes, names or categories")


def ignore_option():
    return typer.Option([], "--ignore", metavar="RULES", help="skip these codes, prefixes, names or categories")


def factors_option():
    return typer.Option([], "--factors", metavar="FILE", help="extra factor library file (TOML), repeatable")


def ocr_option():
    return typer.Option(OcrMode.auto, "--ocr", metavar="auto|off|force", help="OCR pages without a text layer: auto, off, force")


class OcrEngineName(str, Enum):
    rapidocr = "rapidocr"
    tesseract = "tesseract"


def ocr_engine_option():
    return typer.Option(None, "--ocr-engine", metavar="rapidocr|tesseract", envvar="AUDITOR_OCR_ENGINE",
                        show_envvar=False, help="OCR engine: rapidocr (default, bundled models) or tesseract "
                                                "(needs Tesseract with chi_sim installed)")


def ocr_dpi_option():
    return typer.Option(200, "--ocr-dpi", min=72, max=600, metavar="DPI", help="resolution pages are read at "
                                                                               "by OCR")


def ocr_cache_option(default_help: str = "a folder in ~/.cache/auditor/ocr"):
    return typer.Option(None, "--ocr-cache", metavar="DIR|off", help=f"where OCR readings are kept by page-image "
                                                                     f"hash, or off (default: {default_help}; "
                                                                     f"AUDITOR_OCR_CACHE)")


def ocr_options(mode: OcrMode, engine: Optional[OcrEngineName], dpi: int, cache: Optional[str],
                inputs: Sequence[Path] = ()):
    """The OcrOptions the command line asks for. A cache that would write over a file is refused (exit 2, one
    line): a PDF or an input as its database, a file as its folder."""
    from ..read.ocr import OcrOptions

    if cache and cache not in ("off", "none"):
        problem = _unsafe_cache(cache, list(inputs))
        if problem:
            typer.echo(f"auditor: --ocr-cache {cache}: {problem}", err=True)
            raise typer.Exit(2)
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


def lang_option():
    return typer.Option(None, "--lang", metavar="zh|en",
                        help="the language of findings, the opinion and the output (zh, en, or any language with a "
                             "catalogue); default: the configuration's `lang`, else AUDITOR_LANG, else each "
                             "report's own language")


def check_lang(lang: Optional[str], flag: str = "--lang") -> Optional[str]:
    """The language when a catalogue exists for it; else one line and exit 2."""
    if not lang:
        return None
    from .. import i18n

    try:
        return i18n.check_lang(lang)
    except ValueError as e:
        typer.echo(f"auditor: {flag}: {e}", err=True)
        raise typer.Exit(2) from None


def password_option():
    return typer.Option(None, "--password", metavar="PASSWORD", envvar="AUDITOR_PDF_PASSWORD", show_envvar=False,
                        help="password of encrypted PDFs (or set AUDITOR_PDF_PASSWORD, which keeps it out of the "
                             "process list)")


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


def build_config(config: Optional[Path], select: list[str], ignore: list[str], factors: list[Path],
                 fail_on: Optional[FailOn] = None, lang: Optional[str] = None) -> Config:
    if config is not None and not config.is_file():
        raise typer.BadParameter(f"config file {config} not found", param_hint="--config")
    from ..engine.configure import load_config

    try:
        cfg = load_config(config)
    except Exception as e:
        typer.echo(f"auditor: bad configuration: {e}", err=True)
        raise typer.Exit(2) from None
    cli_select = [s.strip() for x in select for s in x.split(",") if s.strip()]
    cli_ignore = [s.strip() for x in ignore for s in x.split(",") if s.strip()]
    bad = unknown_cli_selectors(("--select", cli_select), ("--ignore", cli_ignore))
    if bad:
        typer.echo(f"auditor: {bad}", err=True)
        raise typer.Exit(2)
    if cli_select:
        cfg.select = cli_select
    if cli_ignore:
        cfg.ignore = cfg.ignore + cli_ignore
    for f in factors:
        if not f.is_file():
            raise typer.BadParameter(f"factor file {f} not found", param_hint="--factors")
        cfg.factors.append(str(f.resolve()))
    if fail_on is not None:
        cfg.fail_on = fail_on.value
    if cfg.lang:
        check_lang(cfg.lang, "bad configuration: lang")
    if lang:
        cfg.lang = check_lang(lang)
    return cfg
