"""The mutation benchmark's own parts: the interval oracle accepts every clean report and sees injected typos;
the mutations apply; one small end-to-end run through PDFs."""
from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench import mutation as bench  # noqa: E402


@pytest.mark.parametrize("layout", bench.LAYOUTS)
def test_oracle_accepts_clean_reports(layout):
    for seed in bench.SEEDS[:60]:
        r = bench.Report(seed, layout)
        assert bench.violations(r.model, r.data, layout) == [], seed


def test_oracle_sees_a_changed_total():
    r = bench.Report(bench.SEEDS[0], "seed")
    p = dict(r.model)
    p[("rtot",)] = bench.typo(r.data.total, random.Random(1))
    assert bench.violations(p, r.data, "seed")


@pytest.mark.parametrize("kind", list(bench.KINDS))
def test_every_mutation_applies_somewhere(kind):
    rng = random.Random(kind)
    applied = 0
    for seed in bench.SEEDS[:6]:
        for layout in bench.LAYOUTS:
            m = bench.KINDS[kind](bench.Report(seed, layout), rng)
            if m is not None:
                applied += 1
                assert m.rules and m.doc.blocks and m.what
    assert applied, kind


def test_end_to_end_small_run(capsys):
    code = bench.main(["--n", "1", "--layouts", "wide", "--jobs", "1",
                       "--kinds", "typo-results-value,stale-percent,wrong-gwp-year"])
    out = capsys.readouterr().out
    assert code == 0
    assert "typo-results-value" in out and "100.0%" in out
    assert "clean reports: 1; with an error: 0" in out
