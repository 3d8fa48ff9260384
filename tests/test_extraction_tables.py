"""Reading tables, without a PDF: header roles by meaning, units in the header or in the cell, totals and
subtotals, percent columns with and without %, credits, thousands separators, wrapped stage names."""
from __future__ import annotations

from decimal import Decimal as D

from auditor.read.document import Cell, Table, join_cell_text
from auditor.extract.tables import classify, read_header, read_inventory, read_results


def table(rows: list[list[str]]) -> Table:
    cells = []
    for r, row in enumerate(rows):
        out = []
        for c, text in enumerate(row):
            merged = text is None
            out.append(Cell(text="" if merged else join_cell_text(text), page=1, bbox=None if merged else
                            (60.0 * c, 20.0 * r, 60.0 * c + 55, 20.0 * r + 18), merged=merged))
        cells.append(out)
    # a None continues the cell to its left (colspan), as pdf._fill_merged does
    for row in cells:
        for c, cell in enumerate(row):
            if cell.merged and c:
                cell.text, cell.bbox = row[c - 1].text, row[c - 1].bbox
    return Table(page=1, bbox=(0, 0, 500, 20.0 * len(rows)), rows=cells)


def test_results_without_percent_column():
    t = table([["生命周期阶段", "碳排放量 (kgCO₂e)"], ["原材料获取", "81.9386"], ["生产", "7.7842"], ["合计", "89.7228"]])
    h = read_header(t)
    assert classify(t, h) == "results"
    res = read_results(t, h)
    assert [(r.stage.canonical, r.value.text, r.percent) for r in res.rows] == [
        ("raw_material_acquisition", "81.9386", None), ("production", "7.7842", None)]
    assert res.total.text == "89.7228" and res.unit == "kgCO2e"


def test_percent_column_with_and_without_percent_sign():
    for pct in (["86.77", "13.23", "100.00"], ["86.77%", "13.23%", "100.00%"]):
        t = table([["Life cycle stage", "GHG emissions (kg CO2e)", "Share (%)"], ["Raw materials", "81.94", pct[0]],
                   ["Manufacturing", "12.49", pct[1]], ["Total", "94.43", pct[2]]])
        res = read_results(t, read_header(t))
        assert [(r.percent.value, r.percent.unit) for r in res.rows] == [(D("86.77"), "%"), (D("13.23"), "%")]
        assert res.total_percent is not None and res.total_percent.value == 100


def test_wide_inventory_units_in_cells_subtotals_credits_and_separators():
    t = table([
        ["阶段", "物料/能源", "活动数据", "单位", "排放因子", "因子单位", "排放量 (kgCO₂e)"],
        ["原材料获取", "钢材", "1,250.5", "千克", "2.05", "kgCO₂e/kg", "2,563.5250"],
        ["原材料获取", "再生铝（回收抵扣）", "-10.0", "kg", "20.3", "kgCO₂e/kg", "-203.0000"],
        ["原材料获取小计", None, None, None, None, None, "2,360.5250"],
        ["原材料运输", "公路运输", "12.5", "吨·公里", "0.0978", "kgCO₂e/(t·km)", "1.2225"],
        ["原材料运输小计", None, None, None, None, None, "1.2225"],
        ["总计", None, None, None, None, None, "2,361.7475"],
    ])
    h = read_header(t)
    assert classify(t, h) == "inventory"
    inv, notes = read_inventory(t, h)
    assert notes == []
    steel, credit = inv.stages[0].lines
    assert (steel.activity.text, steel.activity.value, steel.activity.unit) == ("1,250.5", D("1250.5"), "kg")
    assert steel.emissions.value == D("2563.525")
    assert (credit.activity.value, credit.emissions.value) == (-10, -203)         # a credit stays negative
    assert inv.stages[0].emissions.text == "2,360.5250" and inv.stages[0].emissions_from == "subtotal"
    road = inv.stages[1].lines[0]
    assert (road.activity.unit, road.factor.unit) == ("t*km", "kgCO2e/t*km")
    assert inv.total.value == D("2361.7475")


def test_units_in_the_header_and_wrapped_stage_names():
    t = table([
        ["生命周期阶段", "排放因子 (kgCO₂e/kWh)", "用电量 (千瓦时)", "温室气体量 (kgCO₂ eq)"],
        ["原材料获\n取", "0.5777", "121.2911", "70.0699"],
        ["生命末期(产品处置阶\n段)", "0.5777", "2.4250", "1.4009"],
    ])
    h = read_header(t)
    inv, _ = read_inventory(t, h)
    assert [s.stage.name for s in inv.stages] == ["原材料获取", "生命末期(产品处置阶段)"]
    assert [s.stage.canonical for s in inv.stages] == ["raw_material_acquisition", "end_of_life"]
    line = inv.stages[0].lines[0]
    assert line.activity.unit == "kWh" and line.activity.unit_text == "千瓦时"
    assert line.factor.unit == "kgCO2e/kWh"


def test_lost_superscript_in_a_cell_is_repaired_beside_a_gas():
    t = table([["生命周期阶段", "排放因子", "活动数据", None, "温室气体量 (kgCOe)"],
               ["产品生产", "2.1622", "天然气 m", "5.4892", "11.8687"]])
    t.rows[0][3].text = "活动数据"
    inv, _ = read_inventory(t, read_header(t))
    a = inv.stages[0].lines[0].activity
    assert a.unit == "m3" and "³" in a.unit_note
    assert inv.emissions_unit == "kgCO2e"
