"""`auditor check` without typer, when its command line is plain.

typer builds a pydantic adapter for each of check's twenty options before it calls the command, and imports
half the standard library on the way: tens of milliseconds of every run. The command lines a script or
a CI job writes are plain (options as given in `auditor check --help`, each value one argument or `--opt=value`),
and for those this module finds the values typer would find and runs the same command (:func:`.plain.check`).
Anything else goes to typer, which prints its own help, usage errors and exit codes: `--help`, an unknown
option, combined short flags (`-qf`), a value that starts with `-` or is empty, an option given twice (but
`--select`, `--ignore` and `--factors`, which add up), a choice or number typer must check (`--fail-on ERROR`,
`--ocr-dpi 2_00`), the environment variables typer reads (AUDITOR_OCR_ENGINE, AUDITOR_PDF_PASSWORD, shell
completion), `--debug`/AUDITOR_DEBUG, Windows (where typer expands wildcards in the arguments), and a command that
turns out to be a usage error (`--config` naming no file), before it has done anything. tests/test_startup.py
holds the two parsers to the same values.
"""
from __future__ import annotations

import errno
import gc
import os
import sys
from pathlib import Path
from typing import Any

from .plain import Exit, FailOn, OcrEngineName, OcrMode, UsageError, check, internal_error

# check's options: flag -> (parameter, kind). Kinds: str, path, strs and paths (repeatable, in order), an Enum
# (its values exactly), dpi (an integer 72..600).
OPTIONS: dict[str, tuple[str, Any]] = {
    "--format": ("format", "str"), "-f": ("format", "str"),
    "--output": ("output", "path"), "-o": ("output", "path"),
    "--fail-on": ("fail_on", FailOn),
    "--config": ("config", "path"),
    "--select": ("select", "strs"),
    "--ignore": ("ignore", "strs"),
    "--factors": ("factors", "paths"),
    "--baseline": ("baseline", "path"),
    "--write-baseline": ("write_baseline", "path"),
    "--annotate": ("annotate", "path"),
    "--ocr": ("ocr", OcrMode),
    "--ocr-engine": ("ocr_engine", OcrEngineName),
    "--ocr-dpi": ("ocr_dpi", "dpi"),
    "--ocr-cache": ("ocr_cache", "str"),
    "--password": ("password", "str"),
    "--lang": ("lang", "str"),
}
FLAGS = {"--color": ("color", True), "--no-color": ("color", False), "--quiet": ("quiet", True), "-q": ("quiet", True)}
ENVIRONMENT = ("AUDITOR_OCR_ENGINE", "AUDITOR_PDF_PASSWORD", "AUDITOR_DEBUG")


def parse(args: list[str]) -> dict[str, Any] | None:
    """check's parameters as typer passes them for this command line (the words after `check`), or None when
    the command line is not plain (see the module's docstring)."""
    if os.name == "nt":
        return None         # typer expands wildcards in the arguments on Windows
    if any(k in os.environ for k in ENVIRONMENT) or any(k.endswith("_COMPLETE") for k in os.environ):
        return None
    values: dict[str, Any] = {"select": [], "ignore": [], "factors": []}
    paths: list[Path] = []
    given: set[str] = set()
    rest = iter(args)
    only_paths = False
    for arg in rest:
        if only_paths or not arg.startswith("-"):
            if not arg:
                return None
            paths.append(Path(arg))
            continue
        if arg == "--":
            only_paths = True
            continue
        name, eq, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if name in FLAGS and not eq:
            dest, flag = FLAGS[name]
            if dest in given:
                return None
            given.add(dest)
            values[dest] = flag
            continue
        if name not in OPTIONS:
            return None
        dest, kind = OPTIONS[name]
        value = inline if eq else next(rest, None)
        if not value or value.startswith("-"):
            return None
        if kind in ("strs", "paths"):
            values[dest].append(Path(value) if kind == "paths" else value)
            continue
        if dest in given:
            return None
        given.add(dest)
        if kind == "str":
            values[dest] = value
        elif kind == "path":
            values[dest] = Path(value)
        elif kind == "dpi":
            if not (value.isascii() and value.isdigit() and 72 <= int(value) <= 600):
                return None
            values[dest] = int(value)
        else:
            try:
                values[dest] = kind(value)
            except ValueError:
                return None
    if not paths:
        return None
    return {"paths": paths, **values}


PLUGINS = "PYDANTIC_DISABLE_PLUGINS"
LOADER = "pydantic.plugin._loader"


def _without_pydantic_plugins() -> None:
    """No pydantic plugins in `auditor check`, and no looking for them.

    The first time pydantic builds a model it looks for plugins (observability hooks installed as entry points):
    it imports importlib.metadata (with email, zipfile and csv) and reads the entry points of every installed
    distribution, about 30 ms of a short check. Unless PYDANTIC_DISABLE_PLUGINS is set (to anything: then pydantic
    reads it as usual), it is set to ``__all__`` here, pydantic's own way of disabling every plugin, and pydantic's
    plugin loader is stood in for by a module that answers `get_plugins()` as the loader then does (no plugins)
    without importing importlib.metadata. Any other name asked of it runs the real loader in its place."""
    if PLUGINS in os.environ or LOADER in sys.modules:
        return
    os.environ[PLUGINS] = "__all__"
    import types

    stand_in = types.ModuleType(LOADER, "pydantic's plugin loader while every plugin is disabled (auditor.cli.fast)")

    def get_plugins() -> tuple:
        return ()

    def real(name: str) -> Any:
        if name.startswith("__"):       # the import system asking what kind of module this is (__path__, ...)
            raise AttributeError(f"module {LOADER!r} has no attribute {name!r}")
        import importlib.machinery

        spec = importlib.machinery.PathFinder.find_spec(LOADER, pydantic.plugin.__path__)
        if spec is None or spec.loader is None:
            raise AttributeError(f"module {LOADER!r} has no attribute {name!r}")
        del stand_in.__dict__["__getattr__"]
        spec.loader.exec_module(stand_in)       # the real loader, in this module: PYDANTIC_DISABLE_PLUGINS holds
        return getattr(stand_in, name)

    stand_in.__dict__.update(get_plugins=get_plugins, __getattr__=real)
    import pydantic.plugin  # (pydantic_core and typing: imported by any model anyway)

    sys.modules[LOADER] = stand_in
    pydantic.plugin._loader = stand_in  # type: ignore[attr-defined]


def _load() -> None:
    """Import and load what the audit needs with the cyclic garbage collector off, then freeze what was made: the
    hundreds of thousands of objects of the imports (classes, schemas, patterns, the rules) live as long as the
    process, so a collection can only waste its time on them, during the imports and after (about a tenth of a
    short run). Garbage the audit makes is collected as usual, the youngest generation every 10,000 new objects
    rather than 700 (a short check then makes about half as many collections: the audit's objects mostly live
    until the report is written)."""
    from .. import startup

    startup.warm_code()     # (done by `main` already; here for a caller that runs the check itself)
    _without_pydantic_plugins()
    gc.disable()
    try:
        from ..api import preload

        preload()
    except Exception:
        pass            # the audit meets the same problem, and says so
    finally:
        gc.freeze()
        young, middle, old = gc.get_threshold()
        if young:               # (0: automatic collection was turned off, and stays off)
            gc.set_threshold(max(young, 10_000), middle, old)
        gc.enable()


def run_check(args: list[str]) -> None:
    """Run `auditor check ARGS` and exit, when the command line is plain; return when typer must read it."""
    params = parse(args)
    if params is None:
        return
    _load()
    try:
        try:
            check(**params)
        except Exit as e:
            sys.exit(e.code)
        except UsageError:
            return          # nothing done yet: typer says it, with the usage line
        except KeyboardInterrupt:
            sys.exit(130)
        except EOFError:
            from typer import echo

            echo(err=True)
            echo("Aborted!", err=True)
            sys.exit(1)
        except OSError as e:
            if e.errno != errno.EPIPE:
                raise
            from typer._click.utils import PacifyFlushWrapper

            sys.stdout = PacifyFlushWrapper(sys.stdout)
            sys.stderr = PacifyFlushWrapper(sys.stderr)
            sys.exit(1)
    except Exception as e:
        internal_error(e)
