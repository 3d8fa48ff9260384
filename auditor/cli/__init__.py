"""The command line: `auditor check | batch | extract | rules | explain`.

    commands  the app and the single-report commands
    options   options shared by check and batch, and the configuration they build
    batch     the batch command (the batch package does the work)
    progress  a progress bar on a terminal's stderr
"""
from .commands import app, main

__all__ = ["app", "main"]
