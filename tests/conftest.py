from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "pdf"


def pytest_configure(config):
    """OCR readings are cached in a folder of this session's own (shared by the CLI runs it starts), never in the
    user's cache: each scanned page is read once per session, and never taken from an earlier one. So is the
    start-up cache (compiled patterns, parsed data files): the session starts cold and warms it."""
    import os
    import tempfile

    # the suite asserts what the rules find, in English: the reader's default language is English here (the tests
    # of languages, tests/test_i18n*.py, clear it to see the report's own language chosen)
    os.environ["AUDITOR_LANG"] = "en"
    if "AUDITOR_OCR_CACHE" not in os.environ or os.environ.get("AUDITOR_TEST_OWN_CACHE", "1") == "1":
        os.environ["AUDITOR_OCR_CACHE"] = tempfile.mkdtemp(prefix="auditor-test-ocr-")
        os.environ["AUDITOR_STARTUP_CACHE"] = tempfile.mkdtemp(prefix="auditor-test-startup-")
        os.environ["AUDITOR_TEST_OWN_CACHE"] = "0"   # workers and subprocesses keep the session's folders


@cache
def audited(name: str):
    """Audit a fixture PDF once per test session (parsing is the slow part)."""
    from auditor.api import audit

    return audit(FIXTURES / name)


@pytest.fixture
def fixture_pdf():
    return lambda name: FIXTURES / name


def can_ocr() -> bool:
    """Whether the default OCR engine runs here (the tests of scans skip, saying why, when it does not)."""
    from auditor.read.ocr import EngineUnavailable
    from auditor.read.ocr.engines import get_engine

    try:
        get_engine("rapidocr")
        return True
    except EngineUnavailable:
        return False
