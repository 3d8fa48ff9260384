"""`auditor batch`: audit archives of reports into a results database (light imports: the work is in runner)."""
from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from .options import (
    FailOn,
    OcrEngineName,
    OcrMode,
    config_option,
    factors_option,
    fail_on_option,
    ignore_option,
    lang_option,
    ocr_cache_option,
    ocr_dpi_option,
    ocr_engine_option,
    ocr_option,
    ocr_options,
    password_option,
    select_option,
)


class ExecutorKind(str, Enum):
    local = "local"
    dask = "dask"


def batch(
    paths: list[Path] = typer.Argument(..., help="PDF files or folders (searched recursively for *.pdf, any case)"),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="parallel workers (default: CPU count); "
                                                                          "dask: worker processes of the local "
                                                                          "cluster"),
    db: Path = typer.Option(Path("auditor-results.sqlite"), "--db", help="SQLite results database"),
    jsonl: Optional[Path] = typer.Option(None, "--jsonl", help="also write one JSON line per file (the report "
                                                               "shape of `check --format json`); - for stdout"),
    csv_out: Optional[Path] = typer.Option(None, "--csv", help="also write a per-file summary CSV; - for stdout"),
    resume: bool = typer.Option(True, "--resume/--no-resume", help="skip files already recorded with the same "
                                                                  "content, tool, rules and configuration"),
    executor: ExecutorKind = typer.Option(ExecutorKind.local, "--executor", help="local (forked workers) or dask"),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="address of an existing Dask scheduler, "
                                                                      "e.g. tcp://host:8786 (implies --executor "
                                                                      "dask; default: a local cluster of --jobs "
                                                                      "workers)"),
    send_files: bool = typer.Option(False, "--send-files", help="dask: send each file's bytes to the worker "
                                                                "(for workers that cannot read the paths)"),
    timeout_per_file: float = typer.Option(300.0, "--timeout-per-file", min=0, help="seconds before a file's "
                                                                                    "worker is stopped (0: none)"),
    max_memory: int = typer.Option(2048, "--max-memory", min=0, help="address-space cap per worker in MB "
                                                                      "(RLIMIT_AS; 0: none)"),
    fail_on: Optional[FailOn] = fail_on_option(),
    config: Optional[Path] = config_option(),
    select: list[str] = select_option(),
    ignore: list[str] = ignore_option(),
    factors: list[Path] = factors_option(),
    ocr: OcrMode = ocr_option(),
    ocr_engine: Optional[OcrEngineName] = ocr_engine_option(),
    ocr_dpi: int = ocr_dpi_option(),
    ocr_cache: Optional[str] = ocr_cache_option("the batch database"),
    progress: Optional[bool] = typer.Option(None, "--progress/--no-progress", help="progress bar on stderr "
                                                                                   "(default: if a terminal)"),
    password: Optional[str] = password_option(),
    lang: Optional[str] = lang_option(),
):
    """Audit many PDFs into a SQLite database, resumably, each file in an isolated worker (timeout, memory cap),
    locally or on a Dask cluster, then cross-check the reports (duplicate numbers, near-duplicates, totals).
    Exit 0: every file audited, nothing at or above --fail-on; 1: findings at or above it; 2: a file could not
    be audited (or bad usage); 130: interrupted (rerun to resume). One batch at a time per --db: a second batch
    on the same database refuses at once (exit 2) while the first holds the lock file <db>.lock. --jsonl, --csv
    and --db may not be an input or an existing PDF (exit 2)."""
    from ..batch.executors import default_jobs
    from ..batch.isolate import Settings
    from ..batch.runner import BatchError, BatchOptions, format_summary, run_batch
    from ..batch.store import StoreError
    from .options import build_config

    cfg = build_config(config, select, ignore, factors, fail_on, lang)
    if scheduler:  # an existing cluster: --scheduler implies --executor dask
        executor = ExecutorKind.dask
    if executor is ExecutorKind.dask:
        try:
            import distributed  # noqa: F401
        except ImportError:
            typer.echo("auditor: --executor dask needs Dask: pip install 'pcf-auditor[distributed]'", err=True)
            raise typer.Exit(2) from None
    ocr_opts = ocr_options(ocr, ocr_engine, ocr_dpi, ocr_cache if ocr_cache is not None else f"sqlite:{db}",
                           inputs=list(paths))
    settings = Settings(config=cfg, ocr=ocr_opts, timeout=timeout_per_file or None, max_memory_mb=max_memory or None,
                        password=password)
    opts = BatchOptions(paths=paths, settings=settings, jobs=jobs or default_jobs(), db=db, jsonl=jsonl, csv=csv_out,
                        resume=resume, executor=executor.value, scheduler=scheduler, send_files=send_files,
                        fail_on=cfg.fail_on, progress=progress, argv=sys.argv[1:])
    try:
        report = run_batch(opts)
    except (StoreError, BatchError) as e:
        typer.echo(f"auditor: {e}", err=True)
        raise typer.Exit(2) from None
    text = format_summary(report, opts)
    to_stderr = any(o is not None and str(o) == "-" for o in (jsonl, csv_out))
    (sys.stderr if to_stderr else sys.stdout).write(text)
    raise typer.Exit(report.exit_code)
