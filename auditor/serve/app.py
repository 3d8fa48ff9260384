"""The workbench's FastAPI application: the archive (with uploads and the audits under way), a report's page
(pages with boxes, stage chart, findings with their working and decisions, what the parser read), the
verification record (and its print view), and the exports.

Nothing a request sends reaches the filesystem as a path: reports are named by their database id, pages by
number, findings by their number in the report, folders by their index in the list the server was started with;
uploads are stored under generated names. Templates escape everything they print (Jinja2 autoescape).
"""
from __future__ import annotations

import os
import re
import sqlite3
import threading
import uuid
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlencode

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from ..batch.store import CONCLUSIONS, Store
from ..model import ReportResult
from ..output.html import box_style
from . import archive, exports, words
from .jobs import JobManager, folder_files
from .pages import PageCache, Unavailable, read_on_page, source_of
from .security import CSRF_HEADER, Guard, csrf_ok
from .settings import ServeSettings
from .views import FindingView, chart, coverage_text, display_name, numbered, pages_with_findings
from .words import LANGS, gettext

LANG_COOKIE = "auditor_lang"
VERIFIER_COOKIE = "auditor_verifier"
MAX_TEXT = 4000          # a reason, comment or the record's comments
MAX_NAME = 120           # a verifier's name
CHUNK = 1 << 20


class Workbench:
    """What the routes share: the settings, the database, the job queue and the page cache."""

    def __init__(self, settings: ServeSettings):
        self.settings = settings
        Store(settings.db).close()             # creates or migrates the database before the first request
        self.uploads = settings.files_dir / "uploads"
        self.cache = settings.files_dir / "cache"
        self.jobs = JobManager(settings)
        self.pages = PageCache(self.cache, settings.page_scale, settings.page_timeout, settings.audit.max_memory_mb,
                               settings.audit.ocr, settings.audit.config)
        self.local = threading.local()
        self.env = Environment(loader=PackageLoader("auditor.serve", "templates"),
                               autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
        self.env.globals.update(box_style=box_style, urlencode=urlencode, VERDICTS=words.VERDICTS,
                                CONCLUSION=words.CONCLUSION, STATE=words.STATE, ACTION=words.ACTION,
                                JOB_STATE=words.JOB_STATE, IDENTITY=words.IDENTITY, AGREES=words.AGREES,
                                READ_GROUP=words.READ_GROUP, READ_LABEL=words.READ_LABEL)
        self.env.filters["share"] = lambda x: "" if x is None else f"{x * 100:.2f}%"
        self.env.filters["when"] = lambda s: (s or "")[:16].replace("T", " ")

    # ---------------------------------------------------------------- database
    def con(self) -> sqlite3.Connection:
        """This thread's read connection (requests run in a thread pool)."""
        con = getattr(self.local, "con", None)
        if con is None:
            con = sqlite3.connect(self.settings.db, timeout=30, check_same_thread=True)
            con.row_factory = sqlite3.Row
            con.execute("PRAGMA foreign_keys = ON")
            self.local.con = con
        return con

    def store(self) -> Store:
        """A writing connection for one request (closed by the caller)."""
        return Store(self.settings.db)

    def row(self, report_id: int) -> sqlite3.Row:
        row = self.con().execute("SELECT r.*, u.original_name FROM reports r LEFT JOIN uploads u ON u.path = r.path "
                                 "WHERE r.id = ?", (report_id,)).fetchone()
        if row is None:
            raise HTTPException(404, "no such report (it may have been audited again: open it from the archive)")
        return row

    def result(self, row: sqlite3.Row, lang: str | None = None) -> ReportResult:
        """The stored result, its messages (findings, causes, working, the opinion) rendered in `lang`."""
        rep = ReportResult.model_validate_json(row["result_json"])
        if lang is not None:
            from ..i18n import localize

            localize(rep, lang)
        return rep

    def findings(self, row: sqlite3.Row, rep: ReportResult, lang: str) -> list[FindingView]:
        """The report's findings, numbered, with the decisions recorded for them."""
        decisions = self.con().execute("SELECT * FROM decisions WHERE path = ? ORDER BY id", (row["path"],)).fetchall()
        return numbered(rep, decisions, lang)

    # ---------------------------------------------------------------- pages
    def render(self, request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        lang = language(request)
        _ = gettext(lang)
        ctx = {"request": request, "lang": lang, "_": _, **words.catalogue_words(lang), "csrf": request.state.csrf,
               "settings": self.settings,
               "verifier": unquote(request.cookies.get(VERIFIER_COOKIE, ""))[:MAX_NAME], "path": request.url.path,
               "query": dict(request.query_params), "today": date.today().isoformat(), **context}
        html = self.env.get_template(template).render(ctx)
        response = HTMLResponse(html, status_code=status)
        if request.query_params.get("lang") in LANGS:
            response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="strict", httponly=True)
        return response


def language(request: Request) -> str:
    """The page's language: ?lang=, else the reader's cookie, else the server's --lang (zh)."""
    q = request.query_params.get("lang")
    if q in LANGS:
        return q
    c = request.cookies.get(LANG_COOKIE)
    if c in LANGS:
        return c
    default = request.app.state.workbench.settings.lang
    return default if default in LANGS else "zh"


async def form_of(request: Request, **limits: int):
    """The request's form, refused (403) unless it carries the page's CSRF token and comes from this server."""
    try:
        form = await request.form(**limits)
    except HTTPException as e:
        if "Too many files" in str(e.detail):    # the count limit of an upload
            raise HTTPException(413, f"{e.detail} (auditor serve --max-files)") from None
        raise
    except Exception as e:     # a malformed body, too many files or fields
        raise HTTPException(400, f"the form could not be read: {e}") from None
    sent = request.headers.get(CSRF_HEADER) or form.get("csrf")
    if not csrf_ok(request.state.csrf_cookie, sent if isinstance(sent, str) else None,
                   request.headers.get("origin"), request.headers.get("host")):
        raise HTTPException(403, "the form's security token is missing or stale: reload the page and try again")
    return form


def text_field(form, name: str, limit: int = MAX_TEXT) -> str:
    value = form.get(name)
    if not isinstance(value, str):
        return ""
    value = value.replace("\r\n", "\n").strip()
    if len(value) > limit:
        raise HTTPException(400, f"{name} is longer than {limit} characters")
    return value


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def shown_name(filename: str | None) -> str:
    """An uploaded file's name as shown (its last path part, no control characters): never used as a path."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = _CONTROL.sub("", name).strip() or "upload.pdf"
    return name[:200]


def create_app(settings: ServeSettings, start_jobs: bool = True):
    """The ASGI application: the routes behind the Guard middleware (host, token, CSRF cookie, body size)."""
    settings.prepared()
    wb = Workbench(settings)
    app = FastAPI(title="auditor workbench", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.workbench = wb
    app.mount("/static", StaticFiles(packages=[("auditor.serve", "static")]), name="static")
    if start_jobs:
        wb.jobs.start()

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        if request.headers.get("hx-request"):
            return HTMLResponse(f'<div class="alert error">{_escape(str(exc.detail))}</div>', status_code=exc.status_code)
        return wb.render(request, "error.html", status=exc.status_code, message=str(exc.detail),
                         code=exc.status_code)

    # ---------------------------------------------------------------- the archive
    def filters_of(request: Request) -> archive.Filters:
        q = request.query_params
        try:
            page = int(q.get("page", "1"))
        except ValueError:
            page = 1
        f = archive.Filters(q=q.get("q", ""), verdict=q.get("verdict", ""), rule=q.get("rule", ""),
                            company=q.get("company", ""), year=q.get("year", ""), conclusion=q.get("conclusion", ""),
                            status=q.get("status", ""), sort=q.get("sort", archive.DEFAULT_SORT[0]),
                            order=q.get("order", archive.DEFAULT_SORT[1]), page=page)
        if q.get("cross") == "1":
            cross = archive.cross_findings(wb.con(), str(settings.db))
            f.ids = sorted({cross.ids[p] for bf in cross.findings for p in bf.paths if p in cross.ids})
        return f.clean()

    @app.get("/", response_class=HTMLResponse)
    def home(request: Request):
        f = filters_of(request)
        page = archive.query(wb.con(), f)
        if request.headers.get("hx-target") == "archive":
            return wb.render(request, "_archive_table.html", page=page)
        return wb.render(request, "archive.html", page=page, facets=archive.facets(wb.con()),
                         jobs=wb.jobs.recent(), folders=[str(p) for p in settings.folders])

    @app.get("/archive/cross", response_class=HTMLResponse)
    def cross(request: Request):
        c = archive.cross_findings(wb.con(), str(settings.db))
        return wb.render(request, "_cross.html", cross=c)

    # ---------------------------------------------------------------- audits
    @app.get("/jobs", response_class=HTMLResponse)
    def jobs(request: Request):
        recent = wb.jobs.recent()
        response = wb.render(request, "_jobs.html", jobs=recent)
        seen = request.query_params.get("seen")
        if seen is not None and seen != str(sum(j.done for j in recent)):   # files finished since: a fresh list
            response.headers["HX-Trigger"] = "archive-changed"
        return response

    @app.get("/jobs/{job_id}", response_class=HTMLResponse)
    def job(request: Request, job_id: str):
        j = wb.jobs.get(job_id)
        if j is None:
            raise HTTPException(404, "no such audit (the server was restarted?)")
        if not j.active and j.kind == "reaudit":
            f = next(iter(j.files.values()))
            if f.report_id is not None:
                return Response(status_code=200, headers={"HX-Redirect": f"/report/{f.report_id}"})
        return wb.render(request, "_job.html", job=j, single=True)

    @app.post("/upload", response_class=HTMLResponse)
    async def upload(request: Request):
        form = await form_of(request, max_files=settings.max_files, max_fields=20)
        files = [v for v in form.getlist("files") if not isinstance(v, str)]
        folder = form.get("folder") == "1"
        _ = gettext(language(request))
        if not files or all(not (getattr(u, "filename", "") or "") for u in files):
            raise HTTPException(400, _("Choose or drop PDF files first."))
        if folder:   # a folder chosen in the browser: its PDFs, as the batch walks a folder
            files = [u for u in files if shown_name(u.filename).lower().endswith(".pdf")]
            if not files:
                raise HTTPException(400, _("The folder holds no PDF files."))
        limit = settings.max_file_mb << 20
        for u in files:
            if u.size is not None and u.size > limit:
                raise HTTPException(413, f"{shown_name(u.filename)}: " + _("larger than the limit of {n} MB")
                                    .format(n=settings.max_file_mb))
        stored = await run_in_threadpool(_store_uploads, wb, files, limit)
        for u in files:
            await u.close()
        title = stored[0][1] if len(stored) == 1 else _("{n} files").format(n=len(stored))
        wb.jobs.submit("upload", stored, title)
        return wb.render(request, "_jobs.html", jobs=wb.jobs.recent(), poll_once=True)

    @app.post("/folders/{index}", response_class=HTMLResponse)
    async def audit_folder(request: Request, index: int):
        await form_of(request)
        if not 0 <= index < len(settings.folders):
            raise HTTPException(404, "no such folder")
        root = settings.folders[index]
        files = await run_in_threadpool(folder_files, root)
        _ = gettext(language(request))
        if not files:
            raise HTTPException(400, _("The folder holds no PDF files."))
        wb.jobs.submit("folder", files, str(root))
        return wb.render(request, "_jobs.html", jobs=wb.jobs.recent(), poll_once=True)

    # ---------------------------------------------------------------- a report
    @app.get("/report/{report_id}", response_class=HTMLResponse)
    def report(request: Request, report_id: int):
        row = wb.row(report_id)
        rep = wb.result(row, language(request))
        lang = language(request)
        views = wb.findings(row, rep, lang)
        record = _record(wb, row["path"])
        pages = pages_with_findings(views)
        try:
            page = int(request.query_params.get("page", pages[0] if pages else 1))
        except ValueError:
            page = 1
        total_pages = rep.coverage.pages if rep.coverage else 0
        page = min(max(page, 1), max(total_pages, 1))
        return wb.render(request, "report.html", row=row, rep=rep, views=views, record=record,
                         name=display_name(row["path"], row["original_name"]), chart=chart(rep, lang),
                         pages=pages, page=page, total_pages=total_pages,
                         coverage=coverage_text(rep.coverage, lang),
                         conclusions=CONCLUSIONS, cross=_cross_for(wb, row))

    @app.get("/report/{report_id}/page/{number}", response_class=HTMLResponse)
    def page_view(request: Request, report_id: int, number: int):
        row = wb.row(report_id)
        rep = wb.result(row, language(request))
        views = numbered(rep, [], language(request))
        total = rep.coverage.pages if rep.coverage else 0
        if not 1 <= number <= max(total, 1):
            raise HTTPException(404, "no such page")
        try:
            _png, info = wb.pages.page(source_of(row), number)
            problem = None
        except Unavailable as e:
            info, problem = None, str(e)
        return wb.render(request, "_viewer.html", row=row, number=number, info=info, problem=problem, total=total,
                         views=[v for v in views if v.f.location and v.f.location.page == number],
                         pages=pages_with_findings(views))

    @app.get("/report/{report_id}/png/{number}")
    def page_png(report_id: int, number: int):
        row = wb.row(report_id)
        try:
            png, _info = wb.pages.page(source_of(row), number)
        except Unavailable as e:
            raise HTTPException(404, str(e)) from None
        return FileResponse(png, media_type="image/png", headers={"Cache-Control": "private, max-age=86400"})

    @app.get("/report/{report_id}/read/{number}", response_class=HTMLResponse)
    def parser_read(request: Request, report_id: int, number: int):
        row = wb.row(report_id)
        try:
            groups = read_on_page(wb.pages.report(source_of(row)), number)
            problem = None
        except Unavailable as e:
            groups, problem = [], str(e)
        return wb.render(request, "_read.html", groups=groups, problem=problem, number=number)

    # ---------------------------------------------------------------- decisions and the record
    @app.post("/report/{report_id}/finding/{n}", response_class=HTMLResponse)
    async def decide(request: Request, report_id: int, n: int):
        form = await form_of(request)
        _ = gettext(language(request))
        row = wb.row(report_id)
        rep = wb.result(row, language(request))
        action = text_field(form, "action", 20)
        text = text_field(form, "text")
        verifier = text_field(form, "verifier", MAX_NAME)
        if action not in ("confirm", "accept", "comment", "reopen"):
            raise HTTPException(400, "unknown decision")
        if not verifier:
            raise HTTPException(400, _("Enter your name: every decision records who made it."))
        if action == "accept" and not text:
            raise HTTPException(400, _("Accepting a finding needs a reason (it becomes the waiver's reason)."))
        if action == "comment" and not text:
            raise HTTPException(400, _("Write the comment first."))
        views = numbered(rep, [], language(request))
        if not 1 <= n <= len(views) or not views[n - 1].f.fingerprint:
            raise HTTPException(404, "no such finding")
        v = views[n - 1]
        fp = v.f.fingerprint
        assert fp is not None
        store = wb.store()
        try:
            store.add_decision(row["path"], fp, v.f.rule, action, text or None, verifier, v.f.message, v.value)
        finally:
            store.close()
        views = wb.findings(row, rep, language(request))
        response = wb.render(request, "_finding.html", v=views[n - 1], row=row, open_form=None)
        response.set_cookie(VERIFIER_COOKIE, quote(verifier), max_age=365 * 86400, samesite="strict", httponly=True)
        response.headers["HX-Trigger"] = "decided"
        return response

    @app.post("/report/{report_id}/record", response_class=HTMLResponse)
    async def record(request: Request, report_id: int):
        form = await form_of(request)
        _ = gettext(language(request))
        row = wb.row(report_id)
        verifier = text_field(form, "verifier", MAX_NAME)
        conclusion = text_field(form, "conclusion", 30)
        comments = text_field(form, "comments")
        verified_on = text_field(form, "verified_on", 10)
        if not verifier:
            raise HTTPException(400, _("Enter your name: every decision records who made it."))
        if conclusion not in CONCLUSIONS:
            raise HTTPException(400, _("Choose a conclusion."))
        try:
            verified_on = date.fromisoformat(verified_on).isoformat()
        except ValueError:
            raise HTTPException(400, _("The date is not a date (YYYY-MM-DD).")) from None
        store = wb.store()
        try:
            store.add_verification(row["path"], verifier, verified_on, conclusion, comments or None, row["verdict"],
                                   row["sha256"])
        finally:
            store.close()
        response = wb.render(request, "_record_panel.html", row=row, record=_record(wb, row["path"]),
                             conclusions=CONCLUSIONS, saved=True)
        response.set_cookie(VERIFIER_COOKIE, quote(verifier), max_age=365 * 86400, samesite="strict", httponly=True)
        return response

    @app.get("/report/{report_id}/record", response_class=HTMLResponse)
    def record_print(request: Request, report_id: int):
        row = wb.row(report_id)
        rep = wb.result(row, language(request))
        lang = language(request)
        views = wb.findings(row, rep, lang)
        pages = []
        try:
            src = source_of(row)
        except Unavailable:
            src = None
        if src is not None:   # the pages not rendered yet are rendered side by side, each in its own worker
            from concurrent.futures import ThreadPoolExecutor

            numbers = pages_with_findings(views)
            with ThreadPoolExecutor(max_workers=max(1, min(settings.jobs, 4))) as pool:
                infos = list(pool.map(lambda n: _page_or_none(wb, src, n), numbers))
            pages = [(p, info, [v for v in views if v.f.location and v.f.location.page == p])
                     for p, info in zip(numbers, infos) if info is not None]
        return wb.render(request, "record.html", row=row, rep=rep, views=views, record=_record(wb, row["path"]),
                         name=display_name(row["path"], row["original_name"]), chart=chart(rep, lang), pages=pages,
                         coverage=coverage_text(rep.coverage, lang))

    @app.post("/report/{report_id}/reaudit", response_class=HTMLResponse)
    async def reaudit(request: Request, report_id: int):
        await form_of(request)
        row = wb.row(report_id)
        name = display_name(row["path"], row["original_name"])
        j = wb.jobs.submit("reaudit", [(row["path"], name)], name, resume=False)
        return wb.render(request, "_job.html", job=j, single=True)

    # ---------------------------------------------------------------- exports
    def _export_parts(request: Request, report_id: int):
        row = wb.row(report_id)
        rep = wb.result(row, language(request))
        lang = language(request)
        views = wb.findings(row, rep, lang)
        return row, rep, views, gettext(lang), display_name(row["path"], row["original_name"]), lang

    def _download(name: str, ext: str) -> str:
        stem = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name).stem).strip("_") or "report"
        return f'attachment; filename="{stem}-review.{ext}"'

    @app.get("/report/{report_id}/export.xlsx")
    def export_xlsx(request: Request, report_id: int):
        row, rep, views, _, name, lang = _export_parts(request, report_id)
        data = exports.xlsx(rep, name, views, _record(wb, row["path"]), _, lang)
        return Response(data, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": _download(name, "xlsx")})

    @app.get("/report/{report_id}/export.csv")
    def export_csv(request: Request, report_id: int):
        row, rep, views, _, name, lang = _export_parts(request, report_id)
        return Response(exports.csv_text(views, _, lang), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": _download(name, "csv")})

    @app.get("/report/{report_id}/waivers.toml")
    def export_waivers(request: Request, report_id: int):
        row, rep, views, _, name, lang = _export_parts(request, report_id)
        text = exports.waivers_toml([(name, v) for v in views], f"waivers accepted in the review of {name}")
        return PlainTextResponse(text, media_type="application/toml; charset=utf-8",
                                 headers={"Content-Disposition": _download(name, "toml").replace("-review", "-waivers")})

    @app.get("/export/waivers.toml")
    def export_all_waivers():
        con = wb.con()
        latest: dict[tuple[str, str], sqlite3.Row] = {}
        for d in con.execute("SELECT d.*, u.original_name FROM decisions d LEFT JOIN uploads u ON u.path = d.path "
                             "WHERE d.action != 'comment' ORDER BY d.id"):
            latest[(d["path"], d["fingerprint"])] = d
        items = [(display_name(d["path"], d["original_name"]), dict(d)) for d in latest.values()
                 if d["action"] == "accept"]
        return PlainTextResponse(exports.waivers_toml(items, "waivers accepted in the workbench"),
                                 media_type="application/toml; charset=utf-8",
                                 headers={"Content-Disposition": 'attachment; filename="waivers.toml"'})

    @app.get("/favicon.ico")
    def favicon():
        return Response(status_code=204)

    return Guard(app, settings)


def _escape(s: str) -> str:
    from html import escape

    return escape(s)


def _page_or_none(wb: Workbench, src, number: int) -> dict | None:
    try:
        return wb.pages.page(src, number)[1]
    except Unavailable:
        return None


def _record(wb: Workbench, path: str) -> dict | None:
    r = wb.con().execute("SELECT * FROM verifications WHERE path = ? ORDER BY id DESC LIMIT 1", (path,)).fetchone()
    return dict(r) if r is not None else None


def _cross_for(wb: Workbench, row) -> list:
    """The cross-report findings that name this report (from the batch runs that recorded it)."""
    import json

    out, seen = [], set()
    for bf in wb.con().execute("SELECT code, name, severity, message, paths, report_ids FROM batch_findings "
                               "WHERE paths LIKE ? ORDER BY id DESC LIMIT 20",
                               ("%" + row["path"].replace("%", "") + "%",)):
        paths = json.loads(bf["paths"])
        if row["path"] not in paths or (bf["code"], bf["message"]) in seen:
            continue
        seen.add((bf["code"], bf["message"]))
        marks = ", ".join("?" * len(paths))
        names = {r[0]: r[1] for r in wb.con().execute(f"SELECT path, original_name FROM uploads WHERE path IN "
                                                       f"({marks})", paths)}
        out.append({**dict(bf), "message": archive.shown_paths(bf["message"], paths, names)})
    return out


def _store_uploads(wb: Workbench, files, limit: int) -> list[tuple[str, str]]:
    """Copy each upload to <files>/uploads/<random>.pdf (never under its own name), hashing it; an identical file
    already uploaded is not stored again (its earlier copy is audited, or its record reused)."""
    import hashlib

    wb.uploads.mkdir(parents=True, exist_ok=True)
    out: list[tuple[str, str]] = []
    store = wb.store()
    try:
        for u in files:
            name = shown_name(u.filename)
            target = wb.uploads / f"{uuid.uuid4().hex}.pdf"
            h = hashlib.sha256()
            size = 0
            u.file.seek(0)
            with open(target, "xb") as out_fh:
                while chunk := u.file.read(CHUNK):
                    size += len(chunk)
                    if size > limit:
                        break
                    h.update(chunk)
                    out_fh.write(chunk)
            if size > limit:
                target.unlink()
                raise HTTPException(413, f"{name}: larger than {limit >> 20} MB")
            sha = h.hexdigest()
            earlier = store.upload_by_sha(sha)
            if earlier is not None and os.path.isfile(earlier["path"]):
                target.unlink()
                out.append((earlier["path"], earlier["original_name"]))
                continue
            store.add_upload(str(target.resolve()), name, size, sha)
            out.append((str(target.resolve()), name))
    finally:
        store.close()
    return out

