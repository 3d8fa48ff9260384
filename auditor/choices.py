"""CLI choices and options shared by `check`, `extract` and `batch` (a module of their own: all import it).
The options are functions: each command gets its own typer.Option with the same flag, default and help."""
from __future__ import annotations

from enum import Enum

import typer


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"
    never = "never"


class OcrMode(str, Enum):
    auto = "auto"
    off = "off"
    force = "force"


def fail_on_option():
    return typer.Option(None, "--fail-on", metavar="error|warning|info|never", help="lowest severity that fails (exit 1); default error")


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


def password_option():
    return typer.Option(None, "--password", metavar="PASSWORD", envvar="AUDITOR_PDF_PASSWORD", show_envvar=False,
                        help="password of encrypted PDFs (or set AUDITOR_PDF_PASSWORD, which keeps it out of the "
                             "process list)")
