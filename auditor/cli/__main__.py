"""`python -m auditor.cli` runs the command line, like `auditor` and `python -m auditor`."""
from . import main

main()
