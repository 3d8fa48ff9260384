"""The results database's schema versions: a version-2 database (before the workbench) gains the identity
columns, filled from each record, and the workbench's tables; its records and runs are kept."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from auditor.batch.store import SCHEMA, SCHEMA_VERSION, Store, issue_year
from tests.conftest import audited

WORKBENCH_TABLES = ("uploads", "decisions", "verifications")


def _version_2(db: Path) -> None:
    """A database as auditor 0.1 with schema version 2 wrote it: no identity columns, no workbench tables."""
    schema = SCHEMA.replace(",\n    issuer TEXT,\n    issue_date TEXT,\n    issue_year INTEGER\n);", "\n);")
    schema = schema[:schema.index("CREATE TABLE IF NOT EXISTS uploads")]
    con = sqlite3.connect(db)
    con.executescript(schema)
    con.execute("PRAGMA user_version = 2")
    con.commit()
    con.close()


def test_issue_year_reads_the_printed_date():
    assert issue_year("2026年05月26日") == 2026
    assert issue_year("2024-03-15") == 2024
    assert issue_year("March 2025") == 2025
    assert issue_year("T410267-5") is None and issue_year(None) is None


def test_version_2_database_is_migrated_with_its_records(tmp_path: Path):
    db = tmp_path / "v2.db"
    _version_2(db)
    result = audited("seed-docx.pdf")
    con = sqlite3.connect(db)
    con.execute("INSERT INTO runs (started_at, tool_version, rules_version, config_hash) VALUES ('t', 'v', 'r', 'c')")
    con.execute("INSERT INTO reports (path, sha256, status, tool_version, rules_version, config_hash, audited_at, "
                "result_json, verdict) VALUES ('/a/seed.pdf', 'x', 'ok', 'v', 'r', 'c', 't', ?, 'nonconformity')",
                (result.model_dump_json(),))
    con.commit()
    con.close()
    Store(db).close()
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
    row = con.execute("SELECT issuer, issue_date, issue_year, verdict FROM reports").fetchone()
    assert row == ("三信国际检测认证有限公司", "2026年05月26日", 2026, "nonconformity")
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert set(WORKBENCH_TABLES) <= tables
    assert con.execute("SELECT count(*) FROM runs").fetchone()[0] == 1
    Store(db).close()     # opening again changes nothing


def test_a_new_record_carries_its_identity_columns(tmp_path: Path):
    store = Store(tmp_path / "new.db")
    rid = store.save(audited("seed-docx.pdf"), size=1, mtime_ns=1, tool_version="v", rules_version="r",
                     config_hash="c", run_id=store.begin_run("v", "r", "c", "local", 1, []), duration_s=0.1,
                     peak_rss_mb=None)
    row = store.db.execute("SELECT issuer, issue_year FROM reports WHERE id = ?", (rid,)).fetchone()
    assert tuple(row) == ("三信国际检测认证有限公司", 2026)
    store.close()


def test_decisions_and_records_are_kept_by_path(tmp_path: Path):
    store = Store(tmp_path / "d.db")
    store.add_decision("/r.pdf", "fp1", "ARI004", "accept", "typo fixed in the issued copy", "张三", "msg", "81.9886")
    store.add_decision("/r.pdf", "fp1", "ARI004", "comment", "asked the consultant", "李四")
    assert [d["action"] for d in store.decisions_for("/r.pdf")] == ["accept", "comment"]
    store.add_verification("/r.pdf", "张三", "2026-05-30", "pass-after-changes", None, "material", "abc")
    store.add_verification("/r.pdf", "张三", "2026-06-02", "pass", "corrected", "material", "abc")
    assert store.verification_for("/r.pdf")["conclusion"] == "pass"
    assert store.verification_for("/other.pdf") is None
    import pytest

    with pytest.raises(ValueError):
        store.add_decision("/r.pdf", "fp1", "ARI004", "approve", None, "x")
    with pytest.raises(ValueError):
        store.add_verification("/r.pdf", "x", "2026-01-01", "ok", None, None, None)
    store.close()
