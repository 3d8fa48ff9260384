"""Baselines: a previous JSON output; findings already in it (same content fingerprint) are shown as baselined.

Fingerprints are matched per report: a finding is baselined only when the baseline holds the same fingerprint
for the same report, found by path, else by identical content (sha256, a renamed or moved file), else by file
name when that name is unique in the baseline. A report the baseline does not know has nothing baselined, so a
new report with a known kind of defect still fails. Waived findings and unused-waiver findings are not taken
into a baseline: their acceptance lives in the configuration.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from .. import i18n
from ..i18n import T
from ..model import AuditOutput, Finding, Suppression
from .base import fingerprint
from .pipeline import counts

NOT_BASELINED = ("WAI001",)


def _norm(path: str) -> str:
    return PurePath(path).as_posix().removeprefix("./")


@dataclass
class BaselineReport:
    path: str
    sha256: str | None
    fingerprints: Counter


@dataclass
class Baseline:
    source: str | None = None
    reports: list[BaselineReport] = field(default_factory=list)

    def for_report(self, path: str, sha256: str | None = None) -> BaselineReport | None:
        """The baseline's record of this report: same path, else same content, else unique same file name."""
        p = _norm(path)
        for r in self.reports:
            if _norm(r.path) == p:
                return r
        try:
            resolved = Path(path).resolve()
            for r in self.reports:
                if Path(r.path).resolve() == resolved:
                    return r
        except OSError:
            pass
        if sha256:
            same = [r for r in self.reports if r.sha256 == sha256]
            if len(same) == 1:
                return same[0]
        name = PurePath(path).name
        same = [r for r in self.reports if PurePath(r.path).name == name]
        if len(same) == 1:
            return same[0]
        return None

    def contains(self, rep, fp: str) -> bool:
        b = self.for_report(rep.path, rep.sha256)
        return b is not None and b.fingerprints[fp] > 0

    def total(self) -> int:
        return sum(sum(r.fingerprints.values()) for r in self.reports)


def load_baseline(path: Path) -> Baseline:
    """Fingerprints in a baseline per report, with multiplicity (the same finding twice needs two entries)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("reports"), list):
        raise ValueError("not an auditor JSON output (no 'reports')")
    out = Baseline(source=str(path))
    for rep in data["reports"]:
        if not isinstance(rep, dict) or "path" not in rep:
            raise ValueError("not an auditor JSON output (a report without 'path')")
        fps: Counter = Counter()
        for f in rep.get("findings") or []:
            if f.get("rule") in NOT_BASELINED:
                continue
            if (f.get("suppressed") or {}).get("kind") == "waiver":
                continue
            fp = f.get("fingerprint") or fingerprint(Finding.model_validate(
                {k: v for k, v in f.items() if k in Finding.model_fields}))
            fps[fp] += 1
        out.reports.append(BaselineReport(path=str(rep["path"]), sha256=rep.get("sha256"), fingerprints=fps))
    return out


def apply_baseline(output: AuditOutput, baseline: Baseline) -> None:
    """Mark findings the baseline holds for the same report as suppressed (kind 'baseline'); recount."""
    for rep in output.reports:
        record = baseline.for_report(rep.path, rep.sha256)
        left = Counter(record.fingerprints) if record is not None else Counter()
        for f in rep.findings:
            if f.suppressed is None and f.rule not in NOT_BASELINED and f.fingerprint and left[f.fingerprint] > 0:
                left[f.fingerprint] -= 1
                f.suppressed = Suppression(kind="baseline", reason=T("suppressed.baseline"))
                if rep.lang and rep.lang != i18n.DEFAULT_LANG:   # the result is rendered already: its language
                    i18n.localize(f.suppressed, rep.lang)
        rep.counts = counts(rep.findings)
