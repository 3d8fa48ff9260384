"""`auditor serve`: the verifier's workbench (light imports: FastAPI, Jinja2 and uvicorn load when it runs)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .options import config_option, factors_option, ignore_option, select_option

EXTRA = 'pip install "pcf-auditor[serve]"'


def serve(
    db: Path = typer.Option(Path("auditor-results.sqlite"), "--db", help="the results database (the one `auditor "
                                                                         "batch` writes); uploads and page images go "
                                                                         "to <db>.files/ beside it"),
    host: str = typer.Option("127.0.0.1", "--host", help="address to listen on; any other than localhost requires "
                                                         "the access token"),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="port to listen on"),
    token: Optional[str] = typer.Option(None, "--token", envvar="AUDITOR_SERVE_TOKEN", show_envvar=False,
                                        help="access token (default off localhost: a random one, printed in the "
                                             "address; or set AUDITOR_SERVE_TOKEN)"),
    folder: list[Path] = typer.Option([], "--folder", metavar="DIR", help="a folder on this computer the page may "
                                                                          "audit (repeatable)"),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="parallel audit workers (default: CPU "
                                                                         "count)"),
    timeout_per_file: float = typer.Option(300.0, "--timeout-per-file", min=0, help="seconds before a file's "
                                                                                    "worker is stopped (0: none)"),
    max_memory: int = typer.Option(2048, "--max-memory", min=0, help="address-space cap per worker in MB "
                                                                      "(RLIMIT_AS; 0: none)"),
    max_files: int = typer.Option(200, "--max-files", min=1, help="files per upload"),
    max_file_mb: int = typer.Option(100, "--max-file-mb", min=1, help="MB per uploaded file"),
    max_upload_mb: int = typer.Option(500, "--max-upload-mb", min=1, help="MB per upload (all its files)"),
    config: Optional[Path] = config_option(),
    select: list[str] = select_option(),
    ignore: list[str] = ignore_option(),
    factors: list[Path] = factors_option(),
    lang: str = typer.Option("zh", "--lang", metavar="zh|en", help="the page's language until a reader chooses "
                                                                  "one on the page"),
    open_browser: bool = typer.Option(False, "--open", help="open the page in the default browser"),
):
    """The verifier's workbench: a web page to upload reports (or audit a --folder), follow the audits, browse
    the archive (the batch database), review each report's findings on its pages, record decisions (confirm,
    accept with a reason, comment) and the verification record, print it and export it (Excel, CSV, waivers).
    Listens on 127.0.0.1:8000 by default; off localhost every request needs the access token. Needs the serve
    extra: pip install "pcf-auditor[serve]"."""
    missing = []
    from importlib.util import find_spec

    for module in ("fastapi", "jinja2", "uvicorn", "python_multipart", "openpyxl"):
        try:
            found = find_spec(module) is not None
        except (ImportError, ValueError):     # ValueError: a module set to None in sys.modules (tests)
            found = False
        if not found:
            missing.append(module.replace("_", "-"))
    if missing:
        typer.echo(f"auditor: the workbench needs {', '.join(missing)}: {EXTRA}", err=True)
        raise typer.Exit(2)
    from ..batch.executors import default_jobs
    from ..batch.isolate import Settings
    from ..batch.store import StoreError
    from ..read.ocr import OcrOptions
    from ..serve.settings import ServeSettings
    from .options import build_config

    if lang not in ("zh", "en"):
        raise typer.BadParameter(f"{lang!r} is not zh or en", param_hint="--lang")
    for f in folder:
        if not f.is_dir():
            raise typer.BadParameter(f"{f} is not a folder", param_hint="--folder")
    cfg = build_config(config, select, ignore, factors)
    audit = Settings(config=cfg, ocr=OcrOptions(mode="auto", cache=f"sqlite:{db}"), timeout=timeout_per_file or None,
                     max_memory_mb=max_memory or None)
    settings = ServeSettings(db=db.resolve(), host=host, port=port, token=token, audit=audit,
                             jobs=jobs or default_jobs(), folders=[f.resolve() for f in folder], max_files=max_files,
                             max_file_mb=max_file_mb, max_upload_mb=max_upload_mb, lang=lang).prepared()
    from ..serve.app import create_app

    try:
        app = create_app(settings)
    except StoreError as e:
        typer.echo(f"auditor: {e}", err=True)
        raise typer.Exit(2) from None
    import uvicorn

    url = settings.url()
    typer.echo(f"auditor workbench: open {url}")
    typer.echo(f"  results: {settings.db} (uploads and page images in {settings.files_dir})")
    if not settings.local:
        typer.echo("  listening beyond this computer: every request needs the token (it is in the address above; "
                   "share it only with the verifiers)")
    typer.echo("  stop with Ctrl-C")
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
