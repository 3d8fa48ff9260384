"""Baselines: a previous JSON output; findings already in it (same content fingerprint) are shown as baselined."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from .api import counts
from .engine import fingerprint
from .model import AuditOutput, Finding, Suppression


def load_baseline(path: Path) -> Counter:
    """Fingerprints in a baseline, with multiplicity (the same finding twice needs two entries)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or "reports" not in data:
        raise ValueError("not an auditor JSON output (no 'reports')")
    fps: Counter = Counter()
    for rep in data["reports"]:
        for f in rep.get("findings", []):
            if f.get("rule") in ("WAI001",):
                continue
            fp = f.get("fingerprint") or fingerprint(Finding.model_validate(
                {k: v for k, v in f.items() if k in Finding.model_fields}))
            fps[fp] += 1
    return fps


def apply_baseline(output: AuditOutput, fps: Counter) -> None:
    left = Counter(fps)
    for rep in output.reports:
        for f in rep.findings:
            if f.suppressed is None and f.fingerprint and left[f.fingerprint] > 0:
                left[f.fingerprint] -= 1
                f.suppressed = Suppression(kind="baseline", reason="already in the baseline")
        rep.counts = counts(rep.findings)
