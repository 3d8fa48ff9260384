"""Page images and the parser's reading of a report, each made in an isolated worker process (the batch's
isolation: a hostile file costs its own worker, never the server) and cached on disk by the file's content.

A page image is the whole page (CropBox) as a 64-colour PNG; its geometry says how to place a box given in
points from the MediaBox's top-left (the output HTML report's `box_style` does the placing). The parser's
reading (`auditor.api.parse`) is kept as the Report's JSON, so the page's "what the parser read" panel costs one
parse per file.
"""
from __future__ import annotations

import gzip
import io
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from ..model import Report

COLORS = 64


class Unavailable(Exception):
    """The file cannot be shown (gone, changed since the audit, or its worker failed): the message says why."""


@dataclass
class Source:
    """A recorded report's file, checked to be the file that was audited."""

    path: str
    sha256: str


def source_of(row) -> Source:
    """The file of a `reports` row, if it is still the file that was audited (same size and modification time,
    else the same content)."""
    path, sha = row["path"], row["sha256"]
    if row["status"] != "ok" or not sha:
        raise Unavailable("no page images: the file could not be audited")
    try:
        st = os.stat(path)
    except OSError:
        raise Unavailable("no page images: the file is no longer where it was audited") from None
    if (st.st_size, st.st_mtime_ns) != (row["size"], row["mtime_ns"]):
        from ..read.reader import sha256_file

        if sha256_file(path) != sha:
            raise Unavailable("no page images: the file changed after it was audited (re-audit it)")
    return Source(path=path, sha256=sha)


def _render(path: str, number: int, scale: float) -> tuple[bytes, dict]:  # runs in the worker
    from ..read.pdfium import page_images

    for _n, img, (ml, _mb, _mr, mt), (cl, _cb, cr, ct) in page_images(path, [number], scale):
        img = img.quantize(colors=COLORS, method=2)
        buf = io.BytesIO()
        img.save(buf, "PNG")
        k = img.width / (cr - cl)
        return buf.getvalue(), {"w": img.width / k, "h": img.height / k, "dx": cl - ml, "dy": mt - ct,
                                "px": [img.width, img.height]}
    raise ValueError(f"the file has no page {number}")


def _parse(path: str, ocr, config) -> str:  # runs in the worker
    from ..api import parse

    return parse(path, ocr=ocr, config=config).model_dump_json()


class PageCache:
    """Rendered pages and parsed reports under <db>.files/cache/, named by content hash (never by a request)."""

    def __init__(self, root: Path, scale: float, timeout: float, max_memory_mb: int | None, ocr, config):
        self.root = root
        self.config = config
        self.scale = scale
        self.timeout = timeout
        self.max_memory_mb = max_memory_mb
        self.ocr = ocr
        self.locks: dict[str, threading.Lock] = {}
        self.guard = threading.Lock()

    def _lock(self, key: str) -> threading.Lock:
        with self.guard:
            return self.locks.setdefault(key, threading.Lock())

    def _call(self, fn, *args):
        from ..batch.isolate import IsolatedError, call_isolated

        try:
            return call_isolated(fn, *args, timeout=self.timeout, max_memory_mb=self.max_memory_mb)
        except IsolatedError as e:
            raise Unavailable(f"{e.code}: {e.message}") from None

    def page(self, src: Source, number: int) -> tuple[Path, dict]:
        """(the PNG file, its geometry) of page `number` (1-based), rendered once."""
        key = f"{src.sha256}-p{number}-x{self.scale:g}"
        png, meta = self.root / f"{key}.png", self.root / f"{key}.json"
        with self._lock(key):
            if not (png.is_file() and meta.is_file()):
                data, info = self._call(_render, src.path, number, self.scale)
                self.root.mkdir(parents=True, exist_ok=True)
                _write(png, data)
                _write(meta, json.dumps(info).encode())
        return png, json.loads(meta.read_bytes())

    def report(self, src: Source) -> Report:
        """What the parser read from the file (the Report), parsed once."""
        key = f"{src.sha256}-report"
        path = self.root / f"{key}.json.gz"
        with self._lock(key):
            if not path.is_file():
                text = self._call(_parse, src.path, self.ocr, self.config)
                self.root.mkdir(parents=True, exist_ok=True)
                _write(path, gzip.compress(text.encode(), 6))
        return Report.model_validate_json(gzip.decompress(path.read_bytes()))


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + f".{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


# ---------------------------------------------------------------- what the parser read on one page

def _on(loc, page: int) -> bool:
    return loc is not None and loc.page == page


def _q(q) -> str:
    if q is None:
        return ""
    unit = q.unit_text or q.unit or ""
    return f"{q.text} {unit}".strip()


def read_on_page(report: Report, page: int) -> list[dict]:
    """The parts of the report read from one page, grouped: [{"group": key, "items": [{"label", "text", "bbox"}]}]
    (group keys: identity, statement, boundary, inventory, results, quotes, factors, tables, notes)."""
    groups: dict[str, list[dict]] = {}

    def add(group: str, label: str, text: str, loc) -> None:
        groups.setdefault(group, []).append({"label": label, "text": text,
                                             "bbox": list(loc.bbox) if loc is not None and loc.bbox else None})

    m = report.metadata
    for key in ("report_number", "company", "product", "model", "issuer", "issue_date", "data_period", "gwp_source",
                "gases_text"):
        t = getattr(m, key)
        if t is not None and _on(t.location, page):
            add("identity", key, t.text, t.location)
    for key in ("standard", "functional_unit"):
        for t in getattr(m, key):
            if _on(t.location, page):
                add("identity", key, t.text, t.location)
    if m.annual_output is not None and _on(m.annual_output.location, page):
        add("identity", "annual_output", _q(m.annual_output), m.annual_output.location)
    st = report.statement
    for key in ("text", "issuer", "dated", "standard", "scope"):
        t = getattr(st, key)
        if t is not None and _on(t.location, page):
            add("statement", key, t.text, t.location)
    for c in report.boundary.claims:
        if _on(c.location, page):
            add("boundary", c.kind, c.text, c.location)
    for d in report.boundary.declarations:
        if _on(d.location, page):
            add("boundary", "stages", d.text, d.location)
    if report.boundary.cutoff is not None and _on(report.boundary.cutoff.location, page):
        add("boundary", "cutoff", report.boundary.cutoff.text, report.boundary.cutoff.location)
    if report.inventory is not None:
        for s in report.inventory.stages:
            for ln in s.lines:
                if _on(ln.location, page):
                    parts = [p for p in (_q(ln.activity), "×" if ln.activity and ln.factor else "", _q(ln.factor),
                                         ("= " + _q(ln.emissions)) if ln.emissions else "") if p]
                    add("inventory", f"{s.stage.name} / {ln.item or ''}".strip(" /"), " ".join(parts), ln.location)
            if s.emissions is not None and _on(s.emissions.location, page):
                add("inventory", f"{s.stage.name} ({s.emissions_from})", _q(s.emissions), s.emissions.location)
        if report.inventory.total is not None and _on(report.inventory.total.location, page):
            add("inventory", "total", _q(report.inventory.total), report.inventory.total.location)
    if report.results is not None:
        for r in report.results.rows:
            if _on(r.value.location, page):
                pct = f" ({r.percent.text})" if r.percent is not None else ""
                add("results", r.stage.name, _q(r.value) + pct, r.value.location)
        if report.results.total is not None and _on(report.results.total.location, page):
            add("results", "total", _q(report.results.total), report.results.total.location)
    for qv in report.quotes:
        if _on(qv.value.location, page):
            add("quotes", qv.stage.name if qv.stage else "total", f"{_q(qv.value)} · {qv.text}", qv.value.location)
    for fm in report.factor_mentions:
        if _on(fm.location, page):
            add("factors", fm.subject or "factor", fm.text, fm.location)
    for ft in report.factor_tables:
        if _on(ft.location, page):
            add("factors", "table", f"{len(ft.rows)} × {len(ft.columns)}: " + ", ".join(ft.columns), ft.location)
    for t in report.tables:
        if _on(t.location, page):
            rel = "; ".join(f"{x.relation} ({x.agree}/{x.rows})" for x in t.relations)
            cap = t.caption.text if t.caption else (t.section or "")
            add("tables", t.kind, " · ".join(p for p in (cap, f"{len(t.rows)} rows",
                                                          f"read as {t.read_as}" if t.read_as else "", rel) if p),
                t.location)
    for n in report.notes:
        if _on(n.location, page):
            add("notes", n.code, n.message, n.location)
    order = ("identity", "statement", "boundary", "inventory", "results", "quotes", "factors", "tables", "notes")
    return [{"group": g, "items": groups[g]} for g in order if g in groups]
