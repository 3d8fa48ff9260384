"""The start-up cache: what every run would otherwise rebuild before reading a page, kept between runs in a folder
of the user's (never in the installed package, which may be read-only).

What is kept, each entry keyed by its content so that a warm cache gives exactly what a cold one computes:

- compiled regular expressions (:mod:`auditor.regexes`): the `regex` module compiles a pattern in Python, and
  the parser's big Chinese patterns cost about 0.2 s per run; a compiled pattern pickles as the code the
  compiler produced (`regex` unpickles it without compiling), keyed by its pattern text and flags, in one file
  per `regex` and Python version;
- the parsed data files of the package (`data/vocab.toml`, `data/factors.toml`), stored with the sha256 of the
  file's bytes and used only while the file still has that hash;
- Babel's merged locale data for the languages the messages are rendered in (:func:`auditor.i18n._warm_babel`),
  one file per locale and Babel version;
- the code the standard library compiles at start-up from text it writes itself (dataclasses' methods, typing's
  ForwardRefs), by source text, one file per Python build (:func:`warm_code`): read only from a folder and file
  nobody but the user may write, since code runs as it is loaded.

The folder is ``AUDITOR_STARTUP_CACHE`` when set (``off`` turns the cache off: nothing is read or written), else
``$XDG_CACHE_HOME/auditor/startup``, else ``~/.cache/auditor/startup``. It is optional: a folder that cannot be
read or written, or a file in it that cannot be loaded, is passed over and the run computes what it needs, as on
the first run after an install. Files are written atomically (a temporary file, then a rename) and read with an
unpickler that builds nothing but compiled patterns, dates and Babel's own data classes.
"""
from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import io
import os
import pickle
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ENV = "AUDITOR_STARTUP_CACHE"
OFF = ("off", "none", "0", "false", "no")

# the only globals a cache file may name: `regex` rebuilds a compiled pattern with regex._regex.compile; TOML
# data holds dates and times
_ALLOWED = {("regex._regex", "compile"), ("datetime", "date"), ("datetime", "datetime"), ("datetime", "time"),
            ("datetime", "timezone"), ("datetime", "timedelta"),
            # Babel's locale data (the classes Babel's own data files hold)
            ("babel.localedata", "Alias"), ("babel.numbers", "NumberPattern"), ("babel.dates", "DateTimePattern"),
            ("babel.plural", "PluralRule")}


def directory() -> Path | None:
    """The cache folder, or None when the cache is off (or no home folder is known)."""
    env = os.environ.get(ENV)
    if env is not None and env.strip().lower() in OFF:
        return None
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except (RuntimeError, KeyError):
            return None
    return Path(base) / "auditor" / "startup"


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the start-up cache")
        return super().find_class(module, name)


def load(name: str) -> Any:
    """The object stored under `name`, or None (no cache, no such file, a file that cannot be loaded)."""
    folder = directory()
    if folder is None:
        return None
    try:
        data = (folder / name).read_bytes()
        return _Unpickler(io.BytesIO(data)).load()
    except Exception:  # missing, unreadable, truncated or foreign: computed again, and rewritten
        return None


def store(name: str, obj: Any) -> None:
    """Keep `obj` under `name`; silently nothing when the cache is off or its folder cannot be written."""
    folder = directory()
    if folder is None:
        return
    try:
        import tempfile  # (only when a file is written)

        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".pickle")
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, folder / name)
        except BaseException:
            os.unlink(tmp)
            raise
    except Exception:
        pass


def python_tag() -> str:
    return f"py{sys.version_info[0]}{sys.version_info[1]}"


def toml_file(path: Path | Any, key: str) -> dict:
    """A TOML file of the package (a path or an importlib.resources traversable) parsed, from the cache when it
    holds the parse of these very bytes (`key` names its entry: one entry per data file)."""
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    name = f"data-{key}-{python_tag()}.pickle"
    cached = load(name)
    if isinstance(cached, tuple) and len(cached) == 2 and cached[0] == digest and isinstance(cached[1], dict):
        return cached[1]
    import tomllib  # (a warm cache needs no parser)

    data = tomllib.loads(raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n"))  # as read_text() reads
    store(name, (digest, data))
    return data


def defer_package(name: str, lock: Any, submodules_first: Callable[[], bool] = lambda: False,
                  names_from: tuple[str, ...] = ()) -> Any:
    """Put package `name` into sys.modules without running its ``__init__``; returns the module (None when it is
    not an ordinary package, which is then imported the ordinary way by whoever asks for it).

    The module object has its ``__path__``, so its submodules import as usual, and a module ``__getattr__`` that
    runs the real ``__init__`` in that same object (under `lock`) the first time a name the ``__init__`` defines is
    asked for: whoever uses the package later gets the whole package, and the submodules loaded before are the
    ones it would have loaded. While `submodules_first()` is true, a name that is a submodule not imported yet is
    missing instead (`from pkg import sub` then imports the submodule, as the import system does for any package),
    so that importing a few submodules runs no ``__init__``. `names_from`: submodules some of whose names the
    ``__init__`` re-exports (``from .text import extract_text``, read from its source): such a name is taken from
    its submodule (imported if need be) and bound in the package, the very object the ``__init__`` would bind; the
    ``__init__`` runs for any other name. While it runs, other threads that ask for a name wait for it to finish."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        return None
    module, loader = importlib.util.module_from_spec(spec), spec.loader
    state: dict[str, Any] = {"init": "deferred", "exports": None}      # init: deferred, running, done

    def exports() -> dict[str, tuple[str, str]]:
        """{name: (submodule, its name)} for what the ``__init__`` imports from the `names_from` submodules."""
        if state["exports"] is None:
            found: dict[str, tuple[str, str]] = {}
            if names_from and spec.origin:
                try:
                    import ast  # (already loaded: inspect, which dataclasses imports, uses it)

                    for node in ast.parse(Path(spec.origin).read_text(encoding="utf-8")).body:
                        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module in names_from:
                            found.update({a.asname or a.name: (node.module, a.name) for a in node.names
                                          if a.name != "*"})
                except (OSError, SyntaxError, ValueError, UnicodeDecodeError):
                    found = {}
            state["exports"] = found
        return state["exports"]

    def __getattr__(attr: str) -> Any:
        with lock:
            if attr in module.__dict__:         # bound meanwhile, by the __init__ another thread ran
                return module.__dict__[attr]
            if state["init"] == "deferred":
                if submodules_first() and importlib.machinery.PathFinder.find_spec(f"{name}.{attr}",
                                                                                  module.__path__):
                    raise AttributeError(f"module {name!r} has no attribute {attr!r}")  # a submodule: imported next
                where = exports().get(attr)
                if where is not None:
                    value = getattr(importlib.import_module(f"{name}.{where[0]}"), where[1])
                    module.__dict__[attr] = value
                    return value
                state["init"] = "running"
                try:
                    loader.exec_module(module)
                finally:
                    state["init"] = "done"
                    if module.__dict__.get("__getattr__") is __getattr__:
                        del module.__dict__["__getattr__"]
            # running: the __init__ itself asks (a submodule it imports next); done: a name it does not define
        try:
            return module.__dict__[attr]
        except KeyError:
            raise AttributeError(f"module {name!r} has no attribute {attr!r}") from None

    module.__dict__["__getattr__"] = __getattr__
    sys.modules[name] = module
    parent, _, child = name.rpartition(".")
    if parent in sys.modules:
        setattr(sys.modules[parent], child, module)     # as the import system binds a submodule in its package
    return module


# code compiled from source text at every start by the standard library: a dataclass's generated methods (the
# dataclasses module writes them as text and runs it through exec) and the string annotations typing turns into
# ForwardRefs (each compiled as an expression): their compiled code, by source text, one file per Python build
_CODE_LIMIT = 8000


def _code_file() -> str:
    return f"code-{sys.implementation.cache_tag}-{sys.hexversion:x}.pickle"


def _private(name: str) -> bool:
    """The cache file `name` and its folder belong to this user and nobody else may write them. Compiled code runs
    as it is loaded (as a __pycache__ file does): code from a file someone else could have written is not used."""
    folder = directory()
    if folder is None or not hasattr(os, "getuid"):
        return folder is not None
    try:
        for st in (os.stat(folder), os.stat(folder / name)):
            if st.st_uid != os.getuid() or st.st_mode & 0o022:
                return False
    except OSError:
        return False
    return True


def warm_code() -> None:
    """Let the standard library compile the code it writes at start-up once, not in every run.

    Two modules compile source text while classes are defined: dataclasses writes each dataclass's ``__init__``,
    ``__repr__``, ``__eq__``, ... as text and runs it with ``exec`` (about 300 methods in a check: pydantic's,
    annotated_types', pdfplumber's and ours), and typing compiles every string annotation it wraps in a ForwardRef
    (about 800, most of them pydantic_core's schema TypedDicts): some 50 ms of every run compiling the same text
    as the run before. Here the ``exec`` of the dataclasses module and the ``compile`` of the typing module (module
    globals shadow the builtins) take the code compiled from that very text from the start-up cache, and compile it
    the way the builtin would (filename ``<string>``, no inherited future flags) when the cache does not hold it:
    the code is the same, it runs in the same globals, so the classes and their methods are the same. What was
    compiled is added to the cache at exit, by the process that compiled it. Any other call (bytes, a file name,
    flags) goes to the builtin untouched. Called before the classes are defined: by the command line, first.

    Like a __pycache__ file, the stored code runs as it is: it is read only from a file and folder this user owns
    and nobody else may write (the folder is made 0700)."""
    import dataclasses
    import typing

    if "exec" in vars(dataclasses) or "compile" in vars(typing) or directory() is None:
        return
    import marshal
    from types import CodeType

    stored = load(_code_file()) if _private(_code_file()) else None
    kept: dict[tuple[str, str], bytes] = stored if isinstance(stored, dict) else {}
    new: dict[tuple[str, str], bytes] = {}
    builtin_compile, builtin_exec = compile, exec

    def code_of(source: str, mode: str) -> Any:
        key = (mode, source)
        blob = kept.get(key)
        if blob is not None:
            try:
                code = marshal.loads(blob)
            except (EOFError, ValueError, TypeError):
                code = None
            if isinstance(code, CodeType):
                return code
            # (anything else is compiled again, and the file mended at exit)
        code = builtin_compile(source, "<string>", mode, dont_inherit=True)
        if not new:
            import atexit

            atexit.register(save, os.getpid())
        new[key] = marshal.dumps(code)
        return code

    def cached_exec(source: Any, globals: Any = None, locals: Any = None, /) -> None:
        if type(source) is str:
            source = code_of(source, "exec")
        builtin_exec(source, globals, locals)

    def cached_compile(source: Any, filename: Any, mode: str, flags: int = 0, dont_inherit: bool = False,
                       optimize: int = -1, **kwargs: Any) -> Any:
        if type(source) is str and filename == "<string>" and mode == "eval" and not flags and optimize == -1 \
                and not kwargs:
            return code_of(source, mode)
        # as called from typing's code, which has no `from __future__` import to pass on (ours has: not inherited)
        return builtin_compile(source, filename, mode, flags, True, optimize, **kwargs)

    def save(pid: int) -> None:
        if os.getpid() != pid or not new:
            return
        merged = {**kept, **new}
        store(_code_file(), merged if len(merged) <= _CODE_LIMIT else dict(new))

    dataclasses.exec = cached_exec  # type: ignore[attr-defined]
    typing.compile = cached_compile  # type: ignore[attr-defined]
