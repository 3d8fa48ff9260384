"""`python -m auditor.i18n compile`: write each catalogue's compiled .mo beside its .po (optional: a catalogue is read
from its .po when no .mo compiled from exactly that .po is there)."""
from __future__ import annotations

import sys

from . import available, compile_catalogs


def main(argv: list[str]) -> int:
    if argv[:1] != ["compile"]:
        sys.stderr.write("usage: python -m auditor.i18n compile\n")
        return 2
    for path in compile_catalogs():
        print(path)
    print(f"languages: {', '.join(available())}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
