"""The `regex` module, with every compiled pattern kept between runs: modules import it as `regex`
(``from auditor import regexes as regex``) and call it as they would call `regex`.

`regex` compiles in Python: the parser's patterns (hundreds, some of them long Chinese alternations) take about
0.2 s to compile, more than auditing a short report. Compiled here, a pattern comes from the start-up cache
(:mod:`auditor.startup`) when it holds one for the same pattern text and flags, built by the same `regex` and
Python versions; it is the very code `regex` compiled before, rebuilt without compiling (as unpickling a pattern
always is). Patterns compiled in this run and missing there are added to it when the process ends. So a warm
cache changes how fast a pattern is ready, never what it matches.

Not cached, compiled by `regex` as usual: patterns with named lists (keyword arguments), locale-dependent ones,
and anything compiled while the cache is off. The module functions (search, match, sub, ...) take a pattern text
or a compiled pattern, like `regex`'s; other names (flags, Pattern, Match, error, escape) are `regex`'s own.
"""
from __future__ import annotations

import atexit
import os
import threading
from typing import Any

import regex as _regex
from regex import (  # noqa: F401  (re-exported: the names the modules use as regex.X)
    ASCII,
    DOTALL,
    IGNORECASE,
    LOCALE,
    MULTILINE,
    UNICODE,
    V0,
    V1,
    VERBOSE,
    VERSION0,
    VERSION1,
    A,
    I,
    L,
    M,
    Match,
    Pattern,
    S,
    U,
    X,
    error,
    escape,
)

from . import startup

_loaded: dict[tuple, Any] | None = None     # the cache file's patterns, read on the first compile
_used: dict[tuple, Any] = {}                # the patterns this process asked for
_new = False                                # some were compiled here: write the file at exit
_lock = threading.Lock()


def _file() -> str:
    return f"regex-{_regex.__version__}-{startup.python_tag()}.pickle"


def _stored() -> dict[tuple, Any]:
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                data = startup.load(_file())
                _loaded = data if isinstance(data, dict) else {}
    return _loaded


def compile(pattern: Any, flags: int = 0, **kwargs: Any) -> Any:
    """regex.compile, from the start-up cache when it holds this pattern."""
    global _new
    if kwargs or isinstance(pattern, _regex.Pattern):
        return _regex.compile(pattern, flags, **kwargs)
    key = (pattern, int(flags), int(_regex.DEFAULT_VERSION))
    found = _used.get(key)
    if found is not None:
        return found
    found = _stored().get(key)
    if found is None:
        found = _regex.compile(pattern, flags)
        if found.flags & _regex.LOCALE:
            return found            # depends on the locale of the moment: never kept
        with _lock:
            if not _new and startup.directory() is not None:
                _new = True
                atexit.register(_save, os.getpid())
    _used[key] = found
    return found


# the cache file holds what earlier runs compiled too; past this many patterns it is started afresh with this run's
_MAX_PATTERNS = 5000


def _save(pid: int) -> None:
    """At exit, once, in the process that compiled (not in a forked child): the cache with this run's patterns."""
    if os.getpid() != pid or not _new:
        return
    patterns = {**_stored(), **_used}
    startup.store(_file(), patterns if len(patterns) <= _MAX_PATTERNS else dict(_used))


def search(pattern: Any, string: Any, flags: int = 0, **kwargs: Any) -> Any:
    return compile(pattern, flags).search(string, **kwargs)


def match(pattern: Any, string: Any, flags: int = 0, **kwargs: Any) -> Any:
    return compile(pattern, flags).match(string, **kwargs)


def fullmatch(pattern: Any, string: Any, flags: int = 0, **kwargs: Any) -> Any:
    return compile(pattern, flags).fullmatch(string, **kwargs)


def finditer(pattern: Any, string: Any, flags: int = 0, **kwargs: Any) -> Any:
    return compile(pattern, flags).finditer(string, **kwargs)


def findall(pattern: Any, string: Any, flags: int = 0, **kwargs: Any) -> Any:
    return compile(pattern, flags).findall(string, **kwargs)


def sub(pattern: Any, repl: Any, string: Any, count: int = 0, flags: int = 0, **kwargs: Any) -> Any:
    return compile(pattern, flags).sub(repl, string, count, **kwargs)


def subn(pattern: Any, repl: Any, string: Any, count: int = 0, flags: int = 0, **kwargs: Any) -> Any:
    return compile(pattern, flags).subn(repl, string, count, **kwargs)


def split(pattern: Any, string: Any, maxsplit: int = 0, flags: int = 0, **kwargs: Any) -> Any:
    return compile(pattern, flags).split(string, maxsplit, **kwargs)
