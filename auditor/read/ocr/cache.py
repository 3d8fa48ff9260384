"""The OCR cache: what a page image was read as, by the hash of its pixels (with the resolution and the engine's
version and settings), so a re-audit, a second report quoting the same scanned page or a resumed batch never
reads a page twice. `check` and `extract` keep it in a folder; a batch keeps it in its database.
"""
from __future__ import annotations

import gzip
import json
import os
import sqlite3
import tempfile
from pathlib import Path
from typing import Protocol

from ...i18n import T


class OcrCache(Protocol):
    def get(self, key: str) -> dict | None: ...

    def put(self, key: str, value: dict) -> None: ...


def default_dir() -> Path:
    """AUDITOR_OCR_CACHE, else $XDG_CACHE_HOME/auditor/ocr, else ~/.cache/auditor/ocr."""
    env = os.environ.get("AUDITOR_OCR_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "auditor" / "ocr"


class DirCache:
    """One gzipped JSON file per page image, written atomically; a folder that cannot be written is skipped
    (the page is read, the reading is not kept) and says so once in `.error`."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.error: str | None = None

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json.gz"

    def get(self, key: str) -> dict | None:
        try:
            with gzip.open(self._path(key), "rt", encoding="utf-8") as f:
                return json.load(f)
        except (OSError, ValueError, EOFError):
            return None

    def put(self, key: str, value: dict) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".gz")
            with os.fdopen(fd, "wb") as raw, gzip.open(raw, "wt", encoding="utf-8") as f:
                json.dump(value, f, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, path)
        except OSError as e:
            self.error = self.error or T("note.ocr-cache-dir-unwritable", cache=str(self.root),
                                         error=str(e.strerror or e))


class SqliteCache:
    """The cache in a table of a SQLite database (the batch database): safe for the batch's worker processes."""

    TABLE = "ocr_pages"

    def __init__(self, db: str | Path):
        self.db = str(db)
        self.error: str | None = None
        try:
            with self._connect() as con:
                con.execute(f"CREATE TABLE IF NOT EXISTS {self.TABLE} (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
        except sqlite3.Error as e:
            self.error = T("note.ocr-cache-unusable", cache=self.db, error=str(e))

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.db, timeout=30)
        return con

    def get(self, key: str) -> dict | None:
        if self.error:
            return None
        try:
            with self._connect() as con:
                row = con.execute(f"SELECT value FROM {self.TABLE} WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            return None
        if row is None:
            return None
        try:
            return json.loads(gzip.decompress(row[0]).decode("utf-8"))
        except (OSError, ValueError):
            return None

    def put(self, key: str, value: dict) -> None:
        if self.error:
            return
        blob = gzip.compress(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        try:
            with self._connect() as con:
                con.execute(f"INSERT OR REPLACE INTO {self.TABLE} (key, value) VALUES (?, ?)", (key, blob))
        except sqlite3.Error as e:
            self.error = T("note.ocr-cache-unwritable", cache=self.db, error=str(e))


def open_cache(spec: str | Path | None) -> OcrCache | None:
    """A cache from a spec: None for the default folder (default_dir), "" or "off" for none, "sqlite:PATH" for a
    database, else a folder."""
    if spec is None:
        return DirCache(default_dir())
    if str(spec) in ("", "off", "none"):
        return None
    s = str(spec)
    if s.startswith("sqlite:"):
        return SqliteCache(s[len("sqlite:"):])
    return DirCache(s)
