"""Where outputs may go, and how they are written.

No output may ever replace an input: a path that is one of the inputs (the same file, whatever it is called) or
any existing PDF is refused before any work is done. Every output is written atomically (a temporary file in the
same folder, then a rename), so an interrupted run leaves the previous file in place, never half of a new one.
"""
from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO


class UnsafeOutput(ValueError):
    """An output path that must not be written (an input, an existing PDF, a folder, a missing folder)."""


def _is_pdf(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return b"%PDF-" in fh.read(1024)
    except OSError:
        return False


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def check_output(path: Path, inputs: Iterable[Path], option: str) -> None:
    """Raise UnsafeOutput (with a one-line message naming the option) when `path` must not be written.

    Refused: one of the inputs, or a file inside an input folder that would be audited (the same file under any
    name, through links too); any existing PDF; an existing folder; a path whose folder does not exist."""
    if str(path) == "-":
        return
    for inp in inputs:
        if _same(path, inp):
            raise UnsafeOutput(f"{option} {path} is one of the inputs; refusing to overwrite it")
    if path.is_dir():
        raise UnsafeOutput(f"{option} {path} is a folder; give a file name")
    if path.exists() and _is_pdf(path):
        raise UnsafeOutput(f"{option} {path} is an existing PDF; refusing to overwrite it")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise UnsafeOutput(f"{option} {path}: folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise UnsafeOutput(f"{option} {path}: folder {parent} is not writable")


@contextlib.contextmanager
def atomic_open(path: Path, mode: str = "w", encoding: str | None = "utf-8", newline: str | None = None
                ) -> Iterator[IO]:
    """Open a temporary file beside `path`; on a clean exit it replaces `path` in one rename, on an exception
    (Ctrl-C included) it is removed and `path` is left as it was."""
    import tempfile  # (only when a file is written: standard output is the common case)

    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent if str(path.parent) else ".")
    try:
        if "b" in mode:
            fh = os.fdopen(fd, mode)
        else:
            fh = os.fdopen(fd, mode, encoding=encoding, newline=newline)
        with fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    with atomic_open(path, "w") as fh:
        fh.write(text)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    with atomic_open(path, "wb", encoding=None) as fh:
        fh.write(data)
