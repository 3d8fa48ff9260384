"""The results database (SQLite) of `auditor batch`.

Schema (``PRAGMA user_version`` = 2; a version-1 database gains the opinion columns when opened)::

    runs            one row per `auditor batch` invocation
      id, started_at, finished_at, status ('running' | 'finished' | 'interrupted' | 'failed'), tool_version,
      rules_version, config_hash, executor, jobs, argv,
      n_files, n_audited, n_resumed, n_duplicate, n_failed, exit_code

    reports         one row per file path (the latest record of that path)
      id, path (absolute, unique), sha256, size, mtime_ns,
      status ('ok' | 'error'), error_code, error_message,
      n_error, n_warning, n_info (unsuppressed findings per severity), n_suppressed,
      tool_version, rules_version, config_hash (effective configuration + OCR mode + factor file contents),
      audited_at (ISO 8601 UTC), duration_s, peak_rss_mb (the worker's peak resident memory),
      run_id -> runs.id (the run that audited it), reused_from (reports.id whose result was copied, for a file
      identical to one already audited), report_number, product, model, company, total, total_unit,
      summary_json (ReportSummary), norm_text (normalised prose for near-duplicate checks),
      verdict (clean | immaterial | material | not-verifiable | nonconformity; sort an archive by it),
      misstatement_share (the quantified misstatements as a share of the stated total),
      result_json (the full ReportResult, as in `auditor check --format json`)

    findings        one row per finding of a report (deleted with the report)
      id, report_id -> reports.id, seq (order in the report), rule, name, category, severity, message,
      "values" (JSON array of the printed numbers), expected, page, stage, cause, fingerprint,
      suppressed ('waiver' | 'baseline' | NULL), suppressed_reason

    batch_findings  cross-report findings of a run
      id, run_id -> runs.id, code (BAT001...), name, severity, message, key (what the reports share),
      paths (JSON array), report_ids (JSON array of reports.id), detail (JSON)

A record is reused by resume when a file has the same sha256, tool_version, rules_version and config_hash.
"""
from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

SCHEMA_VERSION = 2

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL DEFAULT 'running',
    tool_version TEXT NOT NULL,
    rules_version TEXT NOT NULL,
    config_hash TEXT NOT NULL,
    executor TEXT,
    jobs INTEGER,
    argv TEXT,
    n_files INTEGER,
    n_audited INTEGER,
    n_resumed INTEGER,
    n_duplicate INTEGER,
    n_failed INTEGER,
    exit_code INTEGER
);
CREATE TABLE IF NOT EXISTS reports (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    sha256 TEXT,
    size INTEGER,
    mtime_ns INTEGER,
    status TEXT NOT NULL CHECK (status IN ('ok', 'error')),
    error_code TEXT,
    error_message TEXT,
    n_error INTEGER NOT NULL DEFAULT 0,
    n_warning INTEGER NOT NULL DEFAULT 0,
    n_info INTEGER NOT NULL DEFAULT 0,
    n_suppressed INTEGER NOT NULL DEFAULT 0,
    tool_version TEXT NOT NULL,
    rules_version TEXT NOT NULL,
    config_hash TEXT NOT NULL,
    audited_at TEXT NOT NULL,
    duration_s REAL,
    peak_rss_mb REAL,
    run_id INTEGER REFERENCES runs(id),
    reused_from INTEGER,
    report_number TEXT,
    product TEXT,
    model TEXT,
    company TEXT,
    total TEXT,
    total_unit TEXT,
    summary_json TEXT,
    norm_text TEXT,
    result_json TEXT NOT NULL,
    verdict TEXT,
    misstatement_share REAL
);
CREATE INDEX IF NOT EXISTS reports_by_content ON reports (sha256, tool_version, rules_version, config_hash);
CREATE TABLE IF NOT EXISTS findings (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    rule TEXT NOT NULL,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    severity TEXT NOT NULL,
    message TEXT NOT NULL,
    "values" TEXT NOT NULL,
    expected TEXT,
    page INTEGER,
    stage TEXT,
    cause TEXT,
    fingerprint TEXT,
    suppressed TEXT,
    suppressed_reason TEXT
);
CREATE INDEX IF NOT EXISTS findings_by_report ON findings (report_id);
CREATE INDEX IF NOT EXISTS findings_by_rule ON findings (rule);
CREATE TABLE IF NOT EXISTS batch_findings (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    severity TEXT NOT NULL,
    message TEXT NOT NULL,
    key TEXT,
    paths TEXT NOT NULL,
    report_ids TEXT NOT NULL,
    detail TEXT
);
CREATE INDEX IF NOT EXISTS batch_findings_by_run ON batch_findings (run_id);
"""

REPORT_COLUMNS = ("path", "sha256", "size", "mtime_ns", "status", "error_code", "error_message", "n_error",
                  "n_warning", "n_info", "n_suppressed", "tool_version", "rules_version", "config_hash",
                  "audited_at", "duration_s", "peak_rss_mb", "run_id", "reused_from", "report_number", "product",
                  "model", "company", "total", "total_unit", "summary_json", "norm_text", "result_json", "verdict",
                  "misstatement_share")


class StoreError(Exception):
    pass


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class Store:
    def __init__(self, path: str | Path):
        self.path = str(path)
        try:
            self.db = sqlite3.connect(self.path, timeout=30)
        except sqlite3.Error as e:
            raise StoreError(f"cannot open {self.path}: {e}") from e
        self.db.row_factory = sqlite3.Row
        try:
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = NORMAL")
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            if version == 1:   # version 1 had no opinion: add its columns, keep every record
                with self.db:
                    self.db.execute("ALTER TABLE reports ADD COLUMN verdict TEXT")
                    self.db.execute("ALTER TABLE reports ADD COLUMN misstatement_share REAL")
                    self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                version = SCHEMA_VERSION
            if version not in (0, SCHEMA_VERSION):
                raise StoreError(f"{self.path} has schema version {version}; this auditor writes version "
                                 f"{SCHEMA_VERSION}: use another --db")
            if version == 0 and self.db.execute(
                    "SELECT count(*) FROM sqlite_master WHERE name = 'reports'").fetchone()[0]:
                raise StoreError(f"{self.path} holds a 'reports' table not written by auditor batch")
            with self.db:
                self.db.executescript(SCHEMA)
                self.db.execute("CREATE INDEX IF NOT EXISTS reports_by_verdict ON reports (verdict)")
                self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{self.path} is not a usable SQLite database: {e}") from e

    def close(self) -> None:
        self.db.close()

    # ---------------------------------------------------------------- runs
    def begin_run(self, tool_version: str, rules_version: str, config_hash: str, executor: str, jobs: int,
                  argv: list[str]) -> int:
        with self.db:
            cur = self.db.execute(
                "INSERT INTO runs (started_at, tool_version, rules_version, config_hash, executor, jobs, argv) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (now(), tool_version, rules_version, config_hash, executor, jobs, json.dumps(argv)))
        assert cur.lastrowid is not None  # always set after a successful INSERT
        return cur.lastrowid

    def finish_run(self, run_id: int, status: str, counts: dict[str, int], exit_code: int | None) -> None:
        with self.db:
            self.db.execute(
                "UPDATE runs SET finished_at = ?, status = ?, n_files = ?, n_audited = ?, n_resumed = ?, "
                "n_duplicate = ?, n_failed = ?, exit_code = ? WHERE id = ?",
                (now(), status, counts.get("files"), counts.get("audited"), counts.get("resumed"),
                 counts.get("duplicate"), counts.get("failed"), exit_code, run_id))

    # ---------------------------------------------------------------- reports
    def by_path(self, path: str) -> sqlite3.Row | None:
        return self.db.execute("SELECT id, path, sha256, size, mtime_ns, status, error_code, tool_version, "
                               "rules_version, config_hash FROM reports WHERE path = ?", (path,)).fetchone()

    def reusable(self, sha256: str, tool_version: str, rules_version: str, config_hash: str,
                 prefer_path: str | None = None) -> sqlite3.Row | None:
        """A record of the same content, tool, rules and configuration; the one at prefer_path first."""
        rows = self.db.execute(
            "SELECT id, path, status, error_code FROM reports WHERE sha256 = ? AND tool_version = ? AND "
            "rules_version = ? AND config_hash = ? ORDER BY (path = ?) DESC, id",
            (sha256, tool_version, rules_version, config_hash, prefer_path or "")).fetchall()
        return rows[0] if rows else None

    def save(self, result, *, size: int | None, mtime_ns: int | None, tool_version: str, rules_version: str,
             config_hash: str, run_id: int, duration_s: float | None, peak_rss_mb: float | None,
             audited_at: str | None = None, reused_from: int | None = None) -> int:
        """Record a ReportResult for its path, replacing any earlier record of that path (and its findings)."""
        s = result.summary
        counts = result.counts or {}
        row = {
            "path": result.path, "sha256": result.sha256, "size": size, "mtime_ns": mtime_ns, "status": result.status,
            "error_code": result.error.code if result.error else None,
            "error_message": result.error.message if result.error else None,
            "n_error": counts.get("error", 0), "n_warning": counts.get("warning", 0), "n_info": counts.get("info", 0),
            "n_suppressed": sum(1 for f in result.findings if f.suppressed is not None),
            "tool_version": tool_version, "rules_version": rules_version, "config_hash": config_hash,
            "audited_at": audited_at or now(), "duration_s": duration_s, "peak_rss_mb": peak_rss_mb, "run_id": run_id,
            "reused_from": reused_from,
            "report_number": s.report_number if s else None, "product": s.product if s else None,
            "model": s.model if s else None, "company": s.company if s else None, "total": s.total if s else None,
            "total_unit": s.total_unit if s else None, "summary_json": s.model_dump_json() if s else None,
            "norm_text": s.text if s else None, "result_json": result.model_dump_json(),
            "verdict": result.opinion.verdict if result.opinion else None,
            "misstatement_share": result.opinion.share if result.opinion else None}
        with self.db:
            self.db.execute("DELETE FROM reports WHERE path = ?", (result.path,))
            cur = self.db.execute(f"INSERT INTO reports ({', '.join(REPORT_COLUMNS)}) VALUES "
                                  f"({', '.join('?' * len(REPORT_COLUMNS))})", [row[c] for c in REPORT_COLUMNS])
            rid = cur.lastrowid
            self.db.executemany(
                'INSERT INTO findings (report_id, seq, rule, name, category, severity, message, "values", expected, '
                "page, stage, cause, fingerprint, suppressed, suppressed_reason) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(rid, i, f.rule, f.name, f.category, f.severity, f.message, json.dumps(f.values, ensure_ascii=False),
                  f.expected, f.location.page if f.location else None, f.stage, f.cause, f.fingerprint,
                  f.suppressed.kind if f.suppressed else None, f.suppressed.reason if f.suppressed else None)
                 for i, f in enumerate(result.findings)])
        assert rid is not None  # always set after a successful INSERT
        return rid

    def load_result(self, report_id: int):
        """The stored ReportResult (with its summary text) and the row's audit metadata."""
        from ..model import ReportResult

        row = self.db.execute("SELECT result_json, norm_text, audited_at, duration_s, peak_rss_mb, size, mtime_ns "
                              "FROM reports WHERE id = ?", (report_id,)).fetchone()
        result = ReportResult.model_validate_json(row["result_json"])
        if result.summary is not None and row["norm_text"]:
            result.summary.text = row["norm_text"]
        return result, row

    def copy(self, source_id: int, path: str, *, size: int | None, mtime_ns: int | None, tool_version: str,
             rules_version: str, config_hash: str, run_id: int) -> int:
        """Record the result of an identical file (same content) for another path."""
        result, row = self.load_result(source_id)
        result.path = path
        return self.save(result, size=size, mtime_ns=mtime_ns, tool_version=tool_version, rules_version=rules_version,
                         config_hash=config_hash, run_id=run_id, duration_s=row["duration_s"],
                         peak_rss_mb=row["peak_rss_mb"], audited_at=row["audited_at"], reused_from=source_id)

    def touch(self, report_id: int, size: int | None, mtime_ns: int | None) -> None:
        with self.db:
            self.db.execute("UPDATE reports SET size = ?, mtime_ns = ? WHERE id = ?", (size, mtime_ns, report_id))

    def rows_for(self, paths: list[str], columns: str = "*") -> list[sqlite3.Row]:
        out: list[sqlite3.Row] = []
        for i in range(0, len(paths), 500):
            chunk = paths[i:i + 500]
            out.extend(self.db.execute(f"SELECT {columns} FROM reports WHERE path IN "
                                       f"({', '.join('?' * len(chunk))})", chunk).fetchall())
        order = {p: i for i, p in enumerate(paths)}
        out.sort(key=lambda r: order.get(r["path"], len(order)))
        return out

    # ---------------------------------------------------------------- cross-report findings
    def save_batch_findings(self, run_id: int, findings: list, ids: dict[str, int]) -> None:
        with self.db:
            self.db.executemany(
                "INSERT INTO batch_findings (run_id, code, name, severity, message, key, paths, report_ids, detail) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(run_id, f.code, f.name, f.severity, f.message, f.key, json.dumps(f.paths, ensure_ascii=False),
                  json.dumps([ids.get(p) for p in f.paths]), json.dumps(f.detail, ensure_ascii=False))
                 for f in findings])
