"""Progress of one `auditor check` on stderr, only when stderr is a terminal (rich is imported only then)."""
from __future__ import annotations

import sys


def terminal_progress(name: str):
    """A callback progress(stage, done, total) for api.audit, or None when stderr is not a terminal."""
    try:
        if not sys.stderr.isatty():
            return None
    except (AttributeError, ValueError):
        return None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   console=Console(stderr=True), auto_refresh=False, transient=True)
    task: TaskID | None = None

    def progress(stage: str, done: int, total: int | None) -> None:
        nonlocal task
        if stage == "done":
            if task is not None:
                bar.stop()
                task = None
            return
        text = {"reading": f"{name}: reading page", "ocr": f"{name}: OCR page"}.get(stage, f"{name}: applying the rules")
        if task is None:
            bar.start()
            task = bar.add_task(text, total=total)
        bar.update(task, description=text, completed=done if stage in ("reading", "ocr") else total, total=total)
        bar.refresh()   # every page: the only output, written when stderr is a terminal

    return progress
