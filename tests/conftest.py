from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "pdf"


@lru_cache(maxsize=None)
def audited(name: str):
    """Audit a fixture PDF once per test session (parsing is the slow part)."""
    from auditor.api import audit

    return audit(FIXTURES / name)


@pytest.fixture
def fixture_pdf():
    return lambda name: FIXTURES / name
