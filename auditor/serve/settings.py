"""What the workbench runs with: the database, the address, the token, the upload limits and the audit settings
(the batch's: configuration, OCR, timeout and memory cap per file)."""
from __future__ import annotations

import ipaddress
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from ..batch.isolate import Settings

LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost")


def is_local(host: str) -> bool:
    """Whether an address to bind to is reachable from this machine only (loopback)."""
    h = host.strip("[]").lower()
    if h in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(h).is_loopback
    except ValueError:
        return False


@dataclass
class ServeSettings:
    db: Path = Path("auditor-results.sqlite")
    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = None            # required on every request when set (always set off localhost)
    audit: Settings = field(default_factory=Settings)
    jobs: int = 1                       # parallel audit workers
    folders: list[Path] = field(default_factory=list)   # folders on the server a verifier may audit
    max_files: int = 200                # files per upload
    max_file_mb: int = 100              # per uploaded file
    max_upload_mb: int = 500            # per upload request
    allowed_hosts: list[str] | None = None   # Host headers accepted (None: any); localhost binds get their names
    page_scale: float = 2.0             # page images are rendered at this (1.0 = 72 dpi)
    page_timeout: float = 60.0          # seconds to render a page or read a report for the parser panel
    lang: str = "zh"                    # the page's language until the reader chooses one

    @property
    def files_dir(self) -> Path:
        """Uploads and the page-image cache, beside the database: <db>.files/."""
        return self.db.with_name(self.db.name + ".files")

    @property
    def local(self) -> bool:
        return is_local(self.host)

    def prepared(self) -> ServeSettings:
        """The settings to serve with: a token made up off localhost when none was given, and the Host names a
        localhost bind answers to (a page on another site cannot reach it through DNS rebinding)."""
        if not self.local and not self.token:
            self.token = secrets.token_urlsafe(24)
        if self.allowed_hosts is None and self.local:
            self.allowed_hosts = ["127.0.0.1", "localhost", "::1", "[::1]", self.host.strip("[]")]
        return self

    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host and not self.host.startswith("[") else self.host
        shown = "127.0.0.1" if host in ("0.0.0.0", "[::]") else host
        base = f"http://{shown}:{self.port}/"
        return base + (f"?token={self.token}" if self.token else "")
