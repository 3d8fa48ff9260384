"""Output formats. Each module exposes render(output: AuditOutput, **options) -> str.

Options the CLI passes: color, verbose, fail_on, config (the effective Config) and baseline (the loaded
auditor.baseline.Baseline, or None); a format uses what it needs and ignores the rest.
"""
from __future__ import annotations

import importlib

FORMATS = {
    "text": "text",          # for people at a terminal
    "json": "json_format",   # the stable contract
    "sarif": "sarif",        # SARIF 2.1.0: GitHub code scanning, IDE viewers
    "junit": "junit",        # JUnit XML: CI test-report viewers
    "github": "github",      # GitHub Actions workflow commands (annotations)
    "markdown": "markdown",  # for people, pull requests and $GITHUB_STEP_SUMMARY
    "html": "html",          # one self-contained page: chart, findings, highlighted page images
}


def render(fmt: str, output, **options) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    module = importlib.import_module(f"auditor.output.{FORMATS[fmt]}")
    return module.render(output, **options)
