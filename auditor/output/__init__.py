"""Output formats. Each module exposes render(output: AuditOutput, **options) -> str."""
from __future__ import annotations

import importlib

FORMATS = {"text": "text", "json": "json_format"}


def render(fmt: str, output, **options) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    module = importlib.import_module(f"auditor.output.{FORMATS[fmt]}")
    return module.render(output, **options)
