"""A changed digit in any table cell or quoted number changes exactly that value in the extraction: nothing is
read from anywhere but the page. A sample per layout here; `python -m fixtures.extraction_mutations` runs them all.
"""
from __future__ import annotations

import pytest

from fixtures.extraction_mutations import run


@pytest.mark.parametrize("seed,layout,lang", [(3, "seed", "zh"), (7, "wide", "zh"), (12, "seed", "en")])
def test_changed_digits_are_read_exactly(seed, layout, lang):
    outcomes = run(seed, layout, "reportlab", per_doc=4, n=8, rng_seed=seed, lang=lang)
    assert len(outcomes) == 8
    assert any(o.site.row < 0 for o in outcomes) or layout == "wide"    # prose numbers are in the sample too
    bad = [f"{o.site}: {o.old} -> {o.new}: {o.why}" for o in outcomes if not o.ok]
    assert not bad, "\n".join(bad)
