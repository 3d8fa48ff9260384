"""CLI choices and options shared by `check`, `extract` and `batch` (a module of their own: all import it).
The options are functions: each command gets its own typer.Option with the same flag, default and help. The
choices and what the options build live in :mod:`.plain` (no typer there); the functions here raise typer's exits
and usage errors where plain's raise its own (:func:`typer_errors`)."""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from . import plain
from .plain import FailOn, OcrEngineName, OcrMode

if TYPE_CHECKING:
    from ..engine.config import Config

__all__ = ["FailOn", "OcrEngineName", "OcrMode", "build_config", "check_lang", "ocr_options", "typer_errors"]


@contextmanager
def typer_errors() -> Iterator[None]:
    """plain.Exit as typer.Exit, plain.UsageError as typer.BadParameter (typer prints the usage line with it)."""
    try:
        yield
    except plain.Exit as e:
        raise typer.Exit(e.code) from None
    except plain.UsageError as e:
        raise typer.BadParameter(e.message, param_hint=e.param_hint) from None


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
    """The OcrOptions the command line asks for (:func:`.plain.ocr_options`)."""
    with typer_errors():
        return plain.ocr_options(mode, engine, dpi, cache, inputs)


def lang_option():
    return typer.Option(None, "--lang", metavar="zh|en",
                        help="the language of findings, the opinion and the output (zh, en, or any language with a "
                             "catalogue); default: the configuration's `lang`, else AUDITOR_LANG, else each "
                             "report's own language")


def check_lang(lang: Optional[str], flag: str = "--lang") -> Optional[str]:
    """The language when a catalogue exists for it; else one line and exit 2 (:func:`.plain.check_lang`)."""
    with typer_errors():
        return plain.check_lang(lang, flag)


def password_option():
    return typer.Option(None, "--password", metavar="PASSWORD", envvar="AUDITOR_PDF_PASSWORD", show_envvar=False,
                        help="password of encrypted PDFs (or set AUDITOR_PDF_PASSWORD, which keeps it out of the "
                             "process list)")


def build_config(config: Optional[Path], select: list[str], ignore: list[str], factors: list[Path],
                 fail_on: Optional[FailOn] = None, lang: Optional[str] = None) -> Config:
    """The configuration with the command line's options on top (:func:`.plain.build_config`)."""
    with typer_errors():
        return plain.build_config(config, select, ignore, factors, fail_on, lang)
