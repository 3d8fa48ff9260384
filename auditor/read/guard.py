"""Defences against hostile and broken input, applied before any parser sees the file.

Incoming reports are untrusted. Three limits bound what one file may cost, each with a safe default and a
setting in ``[tool.auditor.limits]``:

- ``max_pages``: a document with more pages is refused before its pages are read;
- ``max_stream_mb``: no compressed stream may inflate beyond this (a decompression bomb is refused before
  pdfium or pdfminer inflates it into memory);
- ``timeout_s``: wall-clock time for reading and auditing one file.

The first look at a file (:func:`sniff`) names what it is when it is not a PDF (HTML, PNG, a ZIP, ...) and
says when a PDF was cut short. All refusals raise :class:`~auditor.read.document.PdfError` with a stable code.
"""
from __future__ import annotations

import contextlib
import signal
import threading
import zlib

from pydantic import BaseModel, ConfigDict, Field

from .. import regexes as regex
from ..i18n import T


class Limits(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    max_pages: int = Field(1000, ge=1, description="refuse documents with more pages than this")
    max_stream_mb: float = Field(256, gt=0, description="refuse a compressed stream that inflates beyond this "
                                                        "many MiB (a decompression bomb)")
    timeout_s: float = Field(300, gt=0, description="give up on one file after this many seconds (reading, OCR "
                                                    "and rules)")


class AuditTimeout(Exception):
    """Raised inside the audit of one file when its time limit runs out."""


# what a file that is not a PDF usually is, by its first bytes (catalogue ids: the words are in auditor/locale)
SIGNATURES: list[tuple[bytes, str]] = [
    (b"\x89PNG\r\n\x1a\n", "filekind.png"),
    (b"\xff\xd8\xff", "filekind.jpeg"),
    (b"GIF8", "filekind.gif"),
    (b"II*\x00", "filekind.tiff"),
    (b"MM\x00*", "filekind.tiff"),
    (b"PK\x03\x04", "filekind.zip"),
    (b"\xd0\xcf\x11\xe0", "filekind.old-office"),
    (b"{\\rtf", "filekind.rtf"),
    (b"\x1f\x8b", "filekind.gzip"),
    (b"Rar!", "filekind.rar"),
    (b"7z\xbc\xaf", "filekind.7z"),
]
HTML_RE = regex.compile(rb"^\s*(<!doctype\s+html|<html|<head|<body|<\?xml[^>]*>\s*<(html|svg))", regex.I)
EOF_WINDOW = 64 * 1024


def sniff(name: str, data: bytes) -> None:
    """Refuse what is not a PDF, or a PDF cut short, with a message that says what the file is."""
    from .document import PdfError

    size = len(data)
    head = data[:1024]
    if size == 0:
        raise PdfError("empty", T("error.empty-file", name=name))
    pos = head.find(b"%PDF-")
    if pos < 0:
        what = next((w for sig, w in SIGNATURES if head.startswith(sig)), None)
        if what is None and HTML_RE.match(head):
            what = "filekind.html"
        if what is None:
            printable = sum(32 <= b < 127 or b in (9, 10, 13) for b in head[:512]) / max(1, len(head[:512]))
            what = "filekind.text" if printable > 0.95 else "filekind.binary"
        raise PdfError("not-a-pdf", T("error.not-a-pdf", name=name, kind=T(what)))
    if size - pos < 64:
        raise PdfError("truncated", T("error.header-only", name=name, size=size))
    if b"%%EOF" not in data[-EOF_WINDOW:]:
        raise PdfError("truncated", T("error.truncated", name=name, size=size))


STREAM_RE = regex.compile(rb"stream\r?\n")
CHUNK = 1 << 16


def check_streams(name: str, data: bytes, limits: Limits) -> None:
    """Inflate every stream just far enough to know its size, keeping nothing; refuse the file when one
    inflates beyond ``limits.max_stream_mb``. Streams are not told apart by their dictionaries: data that is not
    zlib (JPEG, raw) fails zlib's header check at once. Cost: one zlib pass over the compressed data (about 1 ms per MB of
    output), paid so that neither parser can be made to allocate a gigabyte."""
    from .document import PdfError

    cap = int(limits.max_stream_mb * 1024 * 1024)
    view = memoryview(data)
    for m in STREAM_RE.finditer(data):
        end = data.find(b"endstream", m.end())
        if end < 0:
            end = len(data)
        size = _inflated_size(view[m.end():end], cap)
        if size > cap:
            raise PdfError("stream-too-large", T("error.stream-too-large", name=name, offset=m.end(),
                                                 limit=f"{limits.max_stream_mb:g}"))


def _inflated_size(raw: memoryview, cap: int) -> int:
    """Bytes the zlib data inflates to, counting up to cap + 1; damaged data counts as what inflated so far."""
    d = zlib.decompressobj()
    total = 0
    try:
        for i in range(0, len(raw), CHUNK):
            buf: bytes | memoryview = raw[i:i + CHUNK]
            while buf and not d.eof:      # past the end of the zlib data, unconsumed_tail stops shrinking
                out = d.decompress(buf, CHUNK * 16)
                total += len(out)
                if total > cap:
                    return total
                if not out and len(d.unconsumed_tail) == len(buf):
                    break                 # no progress: nothing more will come out
                buf = d.unconsumed_tail
            if d.eof:
                break
    except zlib.error:
        pass
    return total


@contextlib.contextmanager
def deadline(seconds: float | None, what: str):
    """Raise AuditTimeout in this thread after `seconds` (wall clock). Works in the main thread only (SIGALRM);
    elsewhere it does nothing, and callers that need a hard limit there (the batch) run files in a subprocess."""
    if not seconds or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGALRM"):
        yield
        return

    def on_alarm(signum, frame):
        raise AuditTimeout(T("error.timeout", name=what, seconds=f"{seconds:g}"))

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
