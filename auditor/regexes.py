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
or a compiled pattern, like `regex`'s; the flags, `escape` and every other name (Pattern, Match, error, ...) are
`regex`'s own.

`regex` itself is imported when a pattern must be compiled (or a name only it has is asked for): with a warm
cache a run needs only its C module, `regex._regex`, which rebuilds the cached patterns; importing the package
would load its compiler too (`_regex_core`, `_main`: 4% of a short check). So the package is entered without its
``__init__`` (the module object, with its ``__path__``, and a module ``__getattr__`` that runs the real ``__init__``
in that same object the first time a name is asked of it), as :mod:`auditor.read.plumber` does for pdfplumber.
The flags are `regex`'s values (tests/test_startup.py holds them to it), and `escape` is `regex.escape`'s
algorithm, so that patterns built at import need no `regex` either.
"""
from __future__ import annotations

import atexit
import importlib.util
import os
import sys
import threading
from typing import Any

from . import startup

# regex's flags (RegexFlag values; tests/test_startup.py checks them against regex's own)
A = ASCII = 0x80
I = IGNORECASE = 0x2
L = LOCALE = 0x4
M = MULTILINE = 0x8
S = DOTALL = 0x10
U = UNICODE = 0x20
X = VERBOSE = 0x40
V0 = VERSION0 = 0x2000
V1 = VERSION1 = 0x100

_lock = threading.RLock()
_real_regex: Any = None
_c: Any = None


def _real() -> Any:
    """The `regex` module, its ``__init__`` run (here or by whoever asked for one of its names first)."""
    global _real_regex
    if _real_regex is None:
        import regex

        regex.compile               # (a deferred package runs its __init__ here)  # noqa: B018
        _real_regex = regex
    return _real_regex


def _c_module() -> Any:
    """`regex._regex`, the C module, without running the package's ``__init__`` when nothing has imported it."""
    global _c
    if _c is not None:
        return _c
    with _lock:
        if "regex" not in sys.modules:
            startup.defer_package("regex", _lock)
        import regex._regex

        _c = regex._regex
    return _c


def _version() -> str:
    """regex's version, read from its source when the package is not imported (it names the cache file)."""
    loaded = sys.modules.get("regex")
    if loaded is not None and "__version__" in loaded.__dict__:
        return str(loaded.__dict__["__version__"])
    spec = importlib.util.find_spec("regex")
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        try:
            with open(os.path.join(folder, "_main.py"), encoding="utf-8") as f:
                for line in f:
                    if line.startswith("__version__ = "):
                        return line.split("=", 1)[1].strip().strip("\"'")
        except OSError:
            pass
    return str(_real().__version__)


_METACHARS = frozenset("()[]{}?*+|^$\\.-#&~")


def escape(pattern: Any, special_only: bool = True, literal_spaces: bool = False) -> Any:
    """regex.escape (its algorithm: the pattern with regex's special characters escaped)."""
    if not special_only or not isinstance(pattern, str):
        return _real().escape(pattern, special_only, literal_spaces)
    out = []
    for c in pattern:
        if c == " " and literal_spaces:
            out.append(c)
        elif c in _METACHARS or c.isspace():
            out.append("\\")
            out.append(c)
        else:
            out.append(c)
    return "".join(out)


def __getattr__(name: str) -> Any:
    """Any other name of regex's (Pattern, Match, error, DEFAULT_VERSION, ...): regex's own."""
    if name.startswith("__"):
        raise AttributeError(name)
    return getattr(_real(), name)


_loaded: dict[tuple, Any] | None = None     # the cache file's patterns, read on the first compile
_used: dict[tuple, Any] = {}                # the patterns this process asked for
_new = False                                # some were compiled here: write the file at exit


def _file() -> str:
    return f"regex-{_version()}-{startup.python_tag()}.pickle"


def _stored() -> dict[tuple, Any]:
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                _c_module()         # what the cached patterns are rebuilt with
                data = startup.load(_file())
                _loaded = data if isinstance(data, dict) else {}
    return _loaded


def compile(pattern: Any, flags: int = 0, **kwargs: Any) -> Any:
    """regex.compile, from the start-up cache when it holds this pattern."""
    global _new
    if kwargs or not isinstance(pattern, (str, bytes)):
        return _real().compile(pattern, flags, **kwargs)
    # regex's default version: VERSION0 unless a program changed regex.DEFAULT_VERSION (whoever imported regex; a
    # package still deferred has run no __init__, so nothing has changed it)
    loaded = sys.modules.get("regex")
    default = int(loaded.__dict__.get("DEFAULT_VERSION", VERSION0)) if loaded is not None else VERSION0
    key = (pattern, int(flags), default)
    found = _used.get(key)
    if found is not None:
        return found
    found = _stored().get(key)
    if found is None:
        found = _real().compile(pattern, flags)
        if found.flags & LOCALE:
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
