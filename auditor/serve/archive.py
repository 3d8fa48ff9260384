"""The archive's queries: every report of the database with its identity, verdict, counts, the verifier's
conclusion and how far its review got; filters (verdict, rule, company, year, conclusion, search), sorting and
pagination that stay fast with thousands of reports; the cross-report findings over the whole archive."""
from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass, field

from ..model import VERDICTS

PAGE_SIZE = 50

# sort keys -> SQL (a whitelist: the request names a key, never a column)
GRAVITY = "CASE r.verdict " + " ".join(f"WHEN '{v}' THEN {i}" for i, v in enumerate(VERDICTS)) + " ELSE -1 END"
SORTS = {
    "audited": "r.audited_at",
    "name": "coalesce(u.original_name, r.path)",
    "number": "r.report_number",
    "company": "r.company",
    "product": "r.product",
    "issued": "r.issue_year",
    "total": "CAST(r.total AS REAL)",
    "verdict": GRAVITY,
    "errors": "r.n_error",
    "share": "r.misstatement_share",
}
DEFAULT_SORT = ("audited", "desc")
SEARCHED = ("r.path", "u.original_name", "r.report_number", "r.company", "r.product", "r.model", "r.issuer")


@dataclass
class Filters:
    q: str = ""
    verdict: str = ""
    rule: str = ""
    company: str = ""
    year: str = ""
    conclusion: str = ""        # pass | pass-after-changes | fail | none (no record yet)
    status: str = ""            # error: only files that could not be audited
    ids: list[int] | None = None    # only these reports (the cross-report filter)
    sort: str = DEFAULT_SORT[0]
    order: str = DEFAULT_SORT[1]
    page: int = 1

    def clean(self) -> Filters:
        self.q = self.q.strip()[:200]
        self.company = self.company.strip()[:200]
        if self.verdict not in VERDICTS:
            self.verdict = ""
        self.rule = self.rule.strip().upper()[:12]
        if not self.rule.replace("_", "").isalnum():
            self.rule = ""
        if not (self.year.isdigit() and len(self.year) == 4):
            self.year = ""
        if self.conclusion not in ("pass", "pass-after-changes", "fail", "none"):
            self.conclusion = ""
        if self.status != "error":
            self.status = ""
        if self.sort not in SORTS:
            self.sort = DEFAULT_SORT[0]
        if self.order not in ("asc", "desc"):
            self.order = "desc"
        self.page = max(1, min(self.page, 10**6))
        return self

    def params(self, **change) -> dict[str, str]:
        """The query string of these filters (with some changed), for links."""
        d = {"q": self.q, "verdict": self.verdict, "rule": self.rule, "company": self.company, "year": self.year,
             "conclusion": self.conclusion, "status": self.status, "sort": self.sort, "order": self.order,
             "page": str(self.page), "cross": "1" if self.ids is not None else ""}
        d.update({k: str(v) for k, v in change.items()})
        return {k: v for k, v in d.items() if v and not (k == "page" and v == "1")}


@dataclass
class Page:
    rows: list[dict]
    total: int
    filters: Filters
    pages: int = 1
    facets: dict = field(default_factory=dict)


LATEST_CONCLUSION = ("(SELECT v.conclusion FROM verifications v WHERE v.path = r.path ORDER BY v.id DESC LIMIT 1)")


def _where(f: Filters) -> tuple[str, list]:
    where: list[str] = []
    args: list[object] = []
    if f.q:
        like = "%" + f.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where.append("(" + " OR ".join(f"{c} LIKE ? ESCAPE '\\'" for c in SEARCHED) + ")")
        args += [like] * len(SEARCHED)
    if f.verdict:
        where.append("r.verdict = ?")
        args.append(f.verdict)
    if f.rule:
        where.append("r.id IN (SELECT x.report_id FROM findings x WHERE x.rule = ? AND x.suppressed IS NULL)")
        args.append(f.rule)
    if f.company:
        like = "%" + f.company.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where.append("r.company LIKE ? ESCAPE '\\'")
        args.append(like)
    if f.year:
        where.append("r.issue_year = ?")
        args.append(int(f.year))
    if f.conclusion == "none":
        where.append(f"{LATEST_CONCLUSION} IS NULL")
    elif f.conclusion:
        where.append(f"{LATEST_CONCLUSION} = ?")
        args.append(f.conclusion)
    if f.status:
        where.append("r.status = 'error'")
    if f.ids is not None:
        where.append(f"r.id IN ({', '.join(str(int(i)) for i in f.ids) or 'NULL'})")
    return (" WHERE " + " AND ".join(where)) if where else "", args


def query(con: sqlite3.Connection, f: Filters) -> Page:
    """One page of the archive under the filters, with the review progress of each row."""
    f.clean()
    where, args = _where(f)
    # the covering index (auditor.batch.store ARCHIVE_COLUMNS): rows are never read, so sorting thousands of
    # reports by any column stays in milliseconds
    base = f"FROM reports r INDEXED BY reports_archive LEFT JOIN uploads u ON u.path = r.path{where}"
    total = con.execute(f"SELECT count(*) {base}", args).fetchone()[0]
    pages = max(1, -(-total // PAGE_SIZE))
    f.page = min(f.page, pages)
    nulls = "NULLS LAST" if f.order == "desc" else "NULLS FIRST"
    rows = con.execute(
        "SELECT r.id, r.path, r.status, r.error_code, r.report_number, r.company, r.product, r.model, r.issuer, "
        "r.issue_date, r.total, r.total_unit, r.verdict, r.misstatement_share, r.n_error, r.n_warning, r.n_info, "
        f"r.n_suppressed, r.audited_at, u.original_name, {LATEST_CONCLUSION} AS conclusion {base} "
        f"ORDER BY {SORTS[f.sort]} {f.order.upper()} {nulls}, r.id DESC LIMIT ? OFFSET ?",
        [*args, PAGE_SIZE, (f.page - 1) * PAGE_SIZE]).fetchall()
    out = [dict(r) for r in rows]
    _review_progress(con, out)
    return Page(rows=out, total=total, filters=f, pages=pages)


def _review_progress(con: sqlite3.Connection, rows: list[dict]) -> None:
    """Per row: `open` active findings without a decision and `decided` ones (confirmed or accepted)."""
    if not rows:
        return
    ids = [r["id"] for r in rows]
    marks = ", ".join("?" * len(ids))
    fps: dict[int, list[str]] = {}
    for fr in con.execute(f"SELECT report_id, fingerprint FROM findings WHERE report_id IN ({marks}) AND "
                          f"suppressed IS NULL", ids):
        fps.setdefault(fr[0], []).append(fr[1])
    paths = [r["path"] for r in rows]
    state: dict[tuple[str, str], str] = {}
    for d in con.execute(f"SELECT path, fingerprint, action FROM decisions WHERE path IN ({marks}) AND action != "
                         f"'comment' ORDER BY id", paths):
        state[(d[0], d[1])] = d[2]
    for r in rows:
        mine = fps.get(r["id"], [])
        decided = sum(1 for fp in mine if state.get((r["path"], fp)) in ("confirm", "accept"))
        r["decided"], r["open"] = decided, len(mine) - decided


def facets(con: sqlite3.Connection) -> dict:
    """What the filters offer: the rules found, the years, the companies (at most 500), the verdict counts."""
    rules = [dict(r) for r in con.execute(
        "SELECT rule, name, count(DISTINCT report_id) AS n FROM findings WHERE suppressed IS NULL GROUP BY rule "
        "ORDER BY rule")]
    years = [r[0] for r in con.execute("SELECT DISTINCT issue_year FROM reports WHERE issue_year IS NOT NULL "
                                       "ORDER BY 1 DESC")]
    companies = [r[0] for r in con.execute("SELECT company FROM reports WHERE company IS NOT NULL GROUP BY company "
                                           "ORDER BY count(*) DESC LIMIT 500")]
    verdicts = {r[0]: r[1] for r in con.execute("SELECT verdict, count(*) FROM reports GROUP BY verdict")}
    return {"rules": rules, "years": years, "companies": companies, "verdicts": verdicts}


# ---------------------------------------------------------------- cross-report findings over the archive

@dataclass
class Cross:
    findings: list           # crosscheck.BatchFinding
    ids: dict[str, int]      # path -> report id
    names: dict[str, str]    # path -> name shown

    def message(self, bf) -> str:
        """The finding's message with each path as the name the archive shows (an upload's own name, not where
        the server stored it)."""
        return shown_paths(bf.message, bf.paths, self.names)


def shown_paths(message: str, paths: list[str], names: dict[str, str]) -> str:
    for p in sorted(paths, key=len, reverse=True):
        name = names.get(p) or p
        message = message.replace(p, name.rsplit("/", 1)[-1] if name != p else p)
    return message


_cross_lock = threading.Lock()
_cross_cache: dict[str, tuple[tuple, Cross]] = {}


def cross_findings(con: sqlite3.Connection, db_key: str) -> Cross:
    """The batch's cross-report checks (BAT001-BAT004) over every report of the archive; computed again only
    when the archive changed."""
    from ..batch.crosscheck import Entry, crosscheck

    stamp = tuple(con.execute("SELECT count(*), max(id), max(audited_at) FROM reports").fetchone())
    with _cross_lock:
        hit = _cross_cache.get(db_key)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        entries, ids, names = [], {}, {}
        for r in con.execute("SELECT r.id, r.path, r.sha256, r.status, r.summary_json, r.norm_text, u.original_name "
                             "FROM reports r LEFT JOIN uploads u ON u.path = r.path"):
            ids[r["path"]] = r["id"]
            names[r["path"]] = r["original_name"] or r["path"]
            s = json.loads(r["summary_json"]) if r["summary_json"] else {}
            entries.append(Entry(path=r["path"], sha256=r["sha256"], status=r["status"],
                                 report_number=s.get("report_number"), product=s.get("product"),
                                 model=s.get("model"), total=s.get("total"), total_unit=s.get("total_unit"),
                                 factors=s.get("factors") or [], text=r["norm_text"] or ""))
        cross = Cross(findings=crosscheck(entries), ids=ids, names=names)
        _cross_cache[db_key] = (stamp, cross)
        return cross
