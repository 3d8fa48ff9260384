"""Reports an independent reviewer wrote to break the reader (tests/data/review, with the generators that made
them): layouts the project's own templates do not have. A three-line table (rules above and below the header
only), thousands grouped by spaces, factor and unit in one cell, a table over a page break without its header,
a results table of sub-stages closed by 小计 rows, an item's contribution quoted in the conclusion, energy tables
under a heading that names no stage. Clean ones pass without an error; a defect is caught where it is."""
from __future__ import annotations

from pathlib import Path

import pytest

from auditor.api import audit

HERE = Path(__file__).resolve().parent / "data" / "review"

CLEAN = ["A_clean", "B_clean", "BgridSpace_clean", "Bgrid_clean", "C_clean", "C_blank"]
# (report, rule, the printed value the finding must name)
DEFECTS = [("A_typo", "ARI001", "223.72"), ("A_tkm", "ARI006", "202.770"), ("B_typo", "ARI001", "2483.2"),
           ("C_subtotal", "ARI007", "127.49"), ("Bgrid_litres", "ARI006", "1,192,720"), ("D_tkm", "ARI006", "11.2000"), ("D_matrix", "ARI007", "4.94E+01")]


def errors(name: str):
    res = audit(HERE / f"{name}.pdf")
    assert res.status == "ok", res.error
    return [f for f in res.findings if f.severity == "error"]


@pytest.mark.parametrize("name", CLEAN)
def test_a_clean_report_has_no_error(name):
    found = errors(name)
    assert not found, "\n".join(f"{f.rule}: {f.message}" for f in found)


@pytest.mark.parametrize("name,rule,value", DEFECTS)
def test_the_defect_is_named(name, rule, value):
    found = errors(name)
    assert any(f.rule == rule and value.replace(",", "") in [v.replace(",", "") for v in f.values] for f in found), \
        "\n".join(f"{f.rule} {f.values}: {f.message}" for f in found)


def test_tkm_that_is_not_mass_x_distance_is_reported_once():
    """The leg's emissions are right for the right t·km: the table-relation finding names the t·km, and the line
    product does not repeat it against the emissions."""
    assert [f.rule for f in errors("A_tkm")] == ["ARI006"]


def test_fossil_only_inventory_beside_a_gwp_matrix():
    """The A1 inventory adds up fossil emissions (38.098, the matrix's GWP-fossil 3.81E+01); the results give
    GWP-total (37.83, with biogenic and luluc): not two statements of one value."""
    assert not errors("D_clean")
