"""pdfplumber's table finder and text-line builder, imported without the rest of pdfplumber.

The pdfium reader uses two pieces of pdfplumber (``pdfplumber.table`` and ``pdfplumber.utils``), which need only
pdfminer's object types. ``import pdfplumber`` runs pdfplumber's ``__init__``, which loads pdfminer's whole PDF
stack (document parser, content-stream interpreter, layout analysis, cryptography), pdfminer's ``__init__``
looks its version up in the installed distributions' metadata, and pdfminer's utils import charset_normalizer
(used only to guess the encoding of a byte string): together about 0.15 s of every run, more than reading a
short report with pdfium.

So these packages are entered without running their ``__init__``: each gets its module object (with its
``__path__``, so submodules import as usual) and a module ``__getattr__`` that runs the real ``__init__`` in that
same object the first time a name the ``__init__`` defines is asked for (``pdfplumber.open``,
``pdfminer.__version__``, ``charset_normalizer.detect``). Whoever imports these packages later (the pdfminer
reader, pdfminer decoding a byte string, an API user) gets the whole package as always; the submodules loaded here
are the ones it would have loaded. While the two pieces are being imported, a name that is a submodule not
imported yet is missing (`from pdfminer import settings` then imports the submodule, as the import system does for
any package), so no ``__init__`` runs.
"""
from __future__ import annotations

import importlib
import sys
import threading
from types import ModuleType
from typing import Any

from .. import startup

_PACKAGES = ("pdfminer", "pdfplumber", "charset_normalizer", "pdfplumber.utils")
_lock = threading.RLock()
_loading = False    # set while _load imports the two pieces (under _lock)


# pdfplumber.utils re-exports names of five submodules; four are all the table finder and the line builder use.
# The fifth, pdfinternals (PDF object helpers), imports pdfminer's object and parser modules (with logging, html
# and the stream decoders): its names, and any other the __init__ does not import from the four, run the real
# __init__
_UTILS = ("pdfplumber.utils", ("clustering", "generic", "geometry", "text"))


def _deferred_package(name: str) -> None:
    """Put package `name` into sys.modules without running its __init__, which runs on first use of its names."""
    startup.defer_package(name, _lock, lambda: _loading, names_from=_UTILS[1] if name == _UTILS[0] else ())


def _load() -> tuple[Any, Any]:
    global _loading
    with _lock:
        if "pdfplumber.table" not in sys.modules:
            for name in _PACKAGES:
                if name not in sys.modules:
                    _deferred_package(name)
            _loading = True
            try:
                importlib.import_module("pdfplumber.table")
            finally:
                _loading = False
        table = importlib.import_module("pdfplumber.table")
        utils: ModuleType = importlib.import_module("pdfplumber.utils")
    return table.TableFinder, utils.chars_to_textmap


def table_finder() -> Any:
    """pdfplumber.table.TableFinder."""
    return _load()[0]


def chars_to_textmap() -> Any:
    """pdfplumber.utils.chars_to_textmap."""
    return _load()[1]
