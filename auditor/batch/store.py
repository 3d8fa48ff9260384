"""The results database (SQLite) of `auditor batch` (and of `auditor serve`, the workbench).

Schema (``PRAGMA user_version`` = 3; a version-1 database gains the opinion columns when opened, a version-2
database the identity columns, filled from each record's result_json, and the workbench's tables)::

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
      result_json (the full ReportResult, as in `auditor check --format json`),
      issuer, issue_date (as printed), issue_year (the year in issue_date; filter an archive by it)

    findings        one row per finding of a report (deleted with the report)
      id, report_id -> reports.id, seq (order in the report), rule, name, category, severity, message,
      "values" (JSON array of the printed numbers), expected, page, stage, cause, fingerprint,
      suppressed ('waiver' | 'baseline' | NULL), suppressed_reason

    batch_findings  cross-report findings of a run
      id, run_id -> runs.id, code (BAT001...), name, severity, message, key (what the reports share),
      paths (JSON array), report_ids (JSON array of reports.id), detail (JSON)

    The workbench's tables (`auditor serve`). They name a report by its path, which a re-audit keeps (the
    reports row, and so its id, is replaced), and a finding by its fingerprint, which the same finding keeps:

    uploads         one row per file uploaded through the workbench
      id, path (where it is stored, under a generated name; unique), original_name (as uploaded: shown, never
      used as a path), size, sha256, uploaded_at

    decisions       a verifier's decisions about findings, every one kept (the latest confirm/accept/reopen of a
                    finding is its state)
      id, path, fingerprint, rule, action ('confirm' | 'accept' | 'comment' | 'reopen'), text (the reason of an
      accept, a comment), verifier, decided_at, message, value (the finding's message and stated value then)

    verifications   the verification records signed for a report, every one kept (the latest is in force)
      id, path, verifier, verified_on (the date the verifier gives), conclusion ('pass' | 'pass-after-changes'
      | 'fail'), comments, verdict (the auditor's verdict it was recorded beside), sha256, recorded_at

A record is reused by resume when a file has the same sha256, tool_version, rules_version and config_hash.
"""
from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

SCHEMA_VERSION = 3

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
    misstatement_share REAL,
    issuer TEXT,
    issue_date TEXT,
    issue_year INTEGER
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
CREATE TABLE IF NOT EXISTS uploads (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    original_name TEXT NOT NULL,
    size INTEGER,
    sha256 TEXT,
    uploaded_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS uploads_by_sha ON uploads (sha256);
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    rule TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('confirm', 'accept', 'comment', 'reopen')),
    text TEXT,
    verifier TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    message TEXT,
    value TEXT
);
CREATE INDEX IF NOT EXISTS decisions_by_path ON decisions (path, fingerprint);
CREATE TABLE IF NOT EXISTS verifications (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    verifier TEXT NOT NULL,
    verified_on TEXT NOT NULL,
    conclusion TEXT NOT NULL CHECK (conclusion IN ('pass', 'pass-after-changes', 'fail')),
    comments TEXT,
    verdict TEXT,
    sha256 TEXT,
    recorded_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS verifications_by_path ON verifications (path);
"""

REPORT_COLUMNS = ("path", "sha256", "size", "mtime_ns", "status", "error_code", "error_message", "n_error",
                  "n_warning", "n_info", "n_suppressed", "tool_version", "rules_version", "config_hash",
                  "audited_at", "duration_s", "peak_rss_mb", "run_id", "reused_from", "report_number", "product",
                  "model", "company", "total", "total_unit", "summary_json", "norm_text", "result_json", "verdict",
                  "misstatement_share", "issuer", "issue_date", "issue_year")

ARCHIVE_COLUMNS = ("audited_at", "id", "path", "status", "error_code", "report_number", "company", "product", "model",
                   "issuer", "issue_date", "issue_year", "total", "total_unit", "verdict", "misstatement_share",
                   "n_error", "n_warning", "n_info", "n_suppressed")
CONCLUSIONS = ("pass", "pass-after-changes", "fail")        # a verification record's conclusion
DECISIONS = ("confirm", "accept", "comment", "reopen")      # what a verifier can record about a finding


class StoreError(Exception):
    pass


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def issue_year(issue_date: str | None) -> int | None:
    """The year an issue date as printed names: '2025年3月15日', '2025-03-15', 'March 2025' -> 2025."""
    import re

    m = re.search(r"(?<!\d)(19|20)\d{2}(?!\d)", issue_date or "")
    return int(m.group(0)) if m else None


def _to_version_3(db: sqlite3.Connection) -> None:
    """Version 2 -> 3: the identity columns, filled from each record's result_json (the workbench's tables are
    created with the rest of the schema)."""
    have = {r[1] for r in db.execute("PRAGMA table_info(reports)")}
    for col, kind in (("issuer", "TEXT"), ("issue_date", "TEXT"), ("issue_year", "INTEGER")):
        if col not in have:
            db.execute(f"ALTER TABLE reports ADD COLUMN {col} {kind}")
    db.create_function("issue_year", 1, issue_year, deterministic=True)
    db.execute("UPDATE reports SET issuer = json_extract(result_json, '$.identity.issuer'), "
               "issue_date = json_extract(result_json, '$.identity.issue_date')")
    db.execute("UPDATE reports SET issue_year = issue_year(issue_date) WHERE issue_date IS NOT NULL")


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
                    self.db.execute("PRAGMA user_version = 2")
                version = 2
            if version == 2:   # version 2 had no identity columns and no workbench tables
                with self.db:
                    _to_version_3(self.db)
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
                # an archive's listing (auditor serve) reads these columns only: from this index, never from the
                # rows, whose columns after result_json sit behind its overflow pages
                self.db.execute(f"CREATE INDEX IF NOT EXISTS reports_archive ON reports ({', '.join(ARCHIVE_COLUMNS)})")
                self.db.execute("CREATE INDEX IF NOT EXISTS findings_by_rule_report ON findings "
                                "(rule, name, suppressed, report_id)")
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
            "misstatement_share": result.opinion.share if result.opinion else None,
            "issuer": result.identity.issuer if result.identity else None,
            "issue_date": result.identity.issue_date if result.identity else None,
            "issue_year": issue_year(result.identity.issue_date) if result.identity else None}
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

    # ---------------------------------------------------------------- the workbench (auditor serve)
    def add_upload(self, path: str, original_name: str, size: int, sha256: str) -> int:
        """Record a file the workbench stored (path: its generated name) under the name it was uploaded as."""
        with self.db:
            cur = self.db.execute("INSERT INTO uploads (path, original_name, size, sha256, uploaded_at) "
                                  "VALUES (?, ?, ?, ?, ?)", (path, original_name, size, sha256, now()))
        assert cur.lastrowid is not None
        return cur.lastrowid

    def upload_by_sha(self, sha256: str) -> sqlite3.Row | None:
        """The earlier upload of a file with this content, if any (an identical upload is not stored twice)."""
        return self.db.execute("SELECT * FROM uploads WHERE sha256 = ? ORDER BY id LIMIT 1", (sha256,)).fetchone()

    def add_decision(self, path: str, fingerprint: str, rule: str, action: str, text: str | None, verifier: str,
                     message: str | None = None, value: str | None = None) -> int:
        """Record a verifier's decision about the finding `fingerprint` of the report at `path`."""
        if action not in DECISIONS:
            raise ValueError(f"unknown decision {action!r}")
        with self.db:
            cur = self.db.execute(
                "INSERT INTO decisions (path, fingerprint, rule, action, text, verifier, decided_at, message, value) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", (path, fingerprint, rule, action, text, verifier, now(), message,
                                                       value))
        assert cur.lastrowid is not None
        return cur.lastrowid

    def decisions_for(self, path: str) -> list[sqlite3.Row]:
        """Every decision recorded for the report at `path`, oldest first."""
        return self.db.execute("SELECT * FROM decisions WHERE path = ? ORDER BY id", (path,)).fetchall()

    def add_verification(self, path: str, verifier: str, verified_on: str, conclusion: str, comments: str | None,
                         verdict: str | None, sha256: str | None) -> int:
        """Record a verification record (verifier, date, conclusion, comments) beside the auditor's verdict."""
        if conclusion not in CONCLUSIONS:
            raise ValueError(f"unknown conclusion {conclusion!r}")
        with self.db:
            cur = self.db.execute(
                "INSERT INTO verifications (path, verifier, verified_on, conclusion, comments, verdict, sha256, "
                "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (path, verifier, verified_on, conclusion, comments, verdict, sha256, now()))
        assert cur.lastrowid is not None
        return cur.lastrowid

    def verification_for(self, path: str) -> sqlite3.Row | None:
        """The verification record in force for the report at `path` (the latest), or None."""
        return self.db.execute("SELECT * FROM verifications WHERE path = ? ORDER BY id DESC LIMIT 1",
                               (path,)).fetchone()
