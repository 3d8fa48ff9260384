"""CLI choices shared by `check` and `batch` (a module of their own: both commands import it)."""
from __future__ import annotations

from enum import Enum


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"
    never = "never"


class OcrMode(str, Enum):
    auto = "auto"
    off = "off"
    force = "force"
