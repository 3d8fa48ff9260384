"""The command line: `auditor check | batch | extract | rules | explain`.

    commands  the app and the single-report commands
    options   options shared by check and batch, and the configuration they build
    plain     what the commands do, without typer: the choices, the configuration, `check` itself
    fast      `auditor check` run without typer when its command line is plain
    batch     the batch command (the batch package does the work)
    progress  a progress bar on a terminal's stderr

`main` is the `auditor` command. `auditor --version` is answered here, before typer or anything else is imported
(typer would print the same line and exit 0 the same way); a plain `auditor check` command line runs without
typer (:mod:`.fast`); every other command line goes to typer. `app` is imported on first use.
"""
from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .commands import app

__all__ = ["app", "main"]


def main() -> None:
    args = sys.argv[1:]
    if args == ["--version"]:
        from ..version import __version__

        sys.stdout.write(f"auditor {__version__}\n")
        sys.exit(0)
    from .. import startup

    startup.warm_code()     # before any class is defined (typer's, pydantic's, ours): see auditor.startup
    if args[:1] == ["check"]:
        from .fast import run_check

        run_check(args[1:])     # exits, unless typer must read this command line
    from .commands import main as run

    run()


def __getattr__(name: str):
    if name == "app":
        from .commands import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
