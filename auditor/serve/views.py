"""What a report's page shows, built from its record: the findings numbered in the order the HTML report shows
them (by stage), each with its decisions; the stage chart's bars; the pages that have findings."""
from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field

from ..model import Finding, ReportResult
from ..output.common import by_stage, coverage_phrase, stage_title, stated_expected, tidy
from ..output.html import chart_value, charted_stages

ACTIONS_WITH_STATE = ("confirm", "accept", "reopen")


@dataclass
class FindingView:
    n: int
    f: Finding
    stated: str | None
    expected: str | None
    stage: str
    decision: dict | None = None            # the decision in force (confirm or accept), None when open
    history: list[dict] = field(default_factory=list)   # every decision and comment, oldest first

    @property
    def id(self) -> str:
        return f"f{self.n}"

    @property
    def state(self) -> str:
        """waived / baselined (by the configuration), confirmed / accepted (by a verifier), or open."""
        if self.f.suppressed is not None:
            return "waived" if self.f.suppressed.kind == "waiver" else "baselined"
        if self.decision is not None:
            return "confirmed" if self.decision["action"] == "confirm" else "accepted"
        return "open"

    @property
    def value(self) -> str | None:
        """The printed value a waiver can name: the stated value, else the first value the finding rests on."""
        return self.stated or (self.f.values[0] if self.f.values else None)


def stage_name(canonical: str | None, rep: ReportResult, lang: str) -> str:
    """The stage's label in the page's language, with its name as the report prints it (the catalogue's words)."""
    return stage_title(canonical, rep, lang)


def numbered(rep: ReportResult, decisions: list[sqlite3.Row], lang: str) -> list[FindingView]:
    """The findings in the HTML report's order (by stage; active first, then by severity and page), numbered, with
    the decisions recorded for their fingerprints."""
    by_fp: dict[str, list[dict]] = {}
    for row in decisions:
        by_fp.setdefault(row["fingerprint"], []).append(dict(row))
    out: list[FindingView] = []
    for stage, fs in by_stage(rep):
        for f in fs:
            stated, expected = stated_expected(f)
            history = by_fp.get(f.fingerprint or "", [])
            current: dict | None = None
            for d in history:
                if d["action"] in ACTIONS_WITH_STATE:
                    current = d if d["action"] != "reopen" else None
            out.append(FindingView(n=len(out) + 1, f=f, stated=stated, expected=expected,
                                   stage=stage_name(stage, rep, lang), decision=current, history=history))
    return out


def chart(rep: ReportResult, lang: str) -> dict | None:
    """The stage chart's rows: per stage the stated and the recomputed value as shares of the largest."""
    rows, vmax = charted_stages(rep)
    if not rows:
        return None
    out = []
    for s in rows:
        st, rc = chart_value(s.stated), chart_value(s.recomputed)
        out.append({"name": stage_name(s.canonical, rep, lang) if s.canonical else tidy(s.name),
                    "stated": s.stated, "recomputed": s.recomputed, "agrees": s.agrees,
                    "stated_w": max(100 * st / vmax, 0.5) if st is not None and st > 0 else 0.5,
                    "recomputed_w": max(100 * rc / vmax, 0.5) if rc is not None and rc > 0 else 0.5})
    return {"rows": out, "unit": next((s.unit for s in rows if s.unit), "") or ""}


def coverage_text(cov, lang: str) -> str:
    """What the audit reached, in the page's language."""
    return coverage_phrase(cov, lang) if cov is not None else ""


def display_name(path: str, original_name: str | None) -> str:
    return original_name or os.path.basename(path) or path


def pages_with_findings(views: list[FindingView]) -> list[int]:
    return sorted({v.f.location.page for v in views if v.f.location})
