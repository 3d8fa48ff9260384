"""Printed numbers and units: parsing, folding, normalisation and the unit algebra the factor rules rest on."""
from __future__ import annotations

from decimal import Decimal

import pytest

from auditor.numbers import find_numbers, fold, parse_number
from auditor.units import activity_unit, check_product, emission_unit, factor_unit


@pytest.mark.parametrize("text,value,decimals", [
    ("81.9386", "81.9386", 4),
    ("0.3600", "0.3600", 4),
    ("1,234.56", "1234.56", 2),
    ("12,345,678", "12345678", 0),
    ("１２３．４５", "123.45", 2),            # full-width digits and point
    ("１，２３４．５", "1234.5", 1),          # full-width thousands separator
    ("-1.25", "-1.25", 2),                   # a credit
    ("−3.5", "-3.5", 1),                     # U+2212 minus
    ("–0.75", "-0.75", 2),                   # en dash used as a minus
    ("1.2E-3", "0.0012", 4),
    ("4.5e2", "450", -1),
    ("1.2×10^-3", "0.0012", 4),
    ("1.2×10⁻³", "0.0012", 4),               # superscript exponent folds to ×10−3
    ("86.77%", "86.77", 2),
])
def test_parse_number(text, value, decimals):
    p = parse_number(text)
    assert p is not None, text
    assert p.value == Decimal(value)
    assert p.decimals == decimals


@pytest.mark.parametrize("text", ["", "abc", "1.2.3", "12a", "1,23", "--1"])
def test_parse_number_rejects(text):
    assert parse_number(text) is None


def test_percent_flag_and_text_kept():
    p = parse_number("86.77%")
    assert p.percent and p.text == "86.77%"
    assert parse_number("0.3600").text == "0.3600"   # printed precision kept


def test_find_numbers_spans():
    text = fold("原材料获取 81.9386 kgCO₂ eq (86.77%)，共 1,234.5 台")
    found = [(text[a:b], p.value) for a, b, p in find_numbers(text)]
    assert ("81.9386", Decimal("81.9386")) in found
    assert ("86.77", Decimal("86.77")) in found
    assert ("1,234.5", Decimal("1234.5")) in found


def test_fold_kangxi_and_radicals_supplement():
    # Kangxi radicals (U+2F00-2FDF) are folded by NFKC; the CJK Radicals Supplement (U+2E80-2EFF) needs a table
    assert fold("⽣产") == "生产"
    assert fold("⻢⻬⻓⻔⻜⻛⻚⻋⻅⻘⻝⻥⻦⻧⻨⻩⻮⻰⻳") == "马齐长门飞风页车见青食鱼鸟卤麦黄齿龙龟"
    assert fold("kgCO₂e") == "kgCO2e"
    assert fold("m³") == "m3"


@pytest.mark.parametrize("text,unit", [
    ("kwh", "kWh"), ("kW·h", "kWh"), ("千瓦时", "kWh"), ("度", "kWh"), ("kilowatt hours", "kWh"),
    ("千克", "kg"), ("公斤", "kg"), ("kilograms", "kg"), ("吨", "t"), ("tonnes", "t"), ("tonne", "t"),
    ("立方米", "m3"), ("m³", "m3"), ("Nm3", "m3"), ("cubic metres", "m3"),
    ("吨公里", "t*km"), ("吨·公里", "t*km"), ("t·km", "t*km"), ("tkm", "t*km"), ("t km", "t*km"),
    ("tonne-km", "t*km"), ("tonne kilometres", "t*km"),
    ("升", "L"), ("litres", "L"), ("MJ", "MJ"), ("GJ", "GJ"), ("台", "unit"),
])
def test_activity_units(text, unit):
    got = activity_unit(text)
    assert got is not None and got[0] == unit, text


def test_lost_superscript_is_repaired_beside_a_gas():
    assert activity_unit("m", "天然气") == ("m3", "printed 'm': the superscript ³ was lost; read as m³")
    assert activity_unit("m", "钢管")[0] == "m"


@pytest.mark.parametrize("text,mass,series,lost", [
    ("kgCO₂ eq", "kg", "CO2e", False), ("kgCO2e", "kg", "CO2e", False), ("kg CO2-eq", "kg", "CO2e", False),
    ("kgCOe", "kg", "CO2e", True), ("kgCO eq", "kg", "CO2e", True), ("tCO2", "t", "CO2", False),
    ("千克二氧化碳当量", "kg", "CO2e", False), ("吨二氧化碳当量", "t", "CO2e", False),
    ("kg CO2 equivalent", "kg", "CO2e", False), ("t CO2e", "t", "CO2e", False),
    ("kgCOz eq", "kg", "CO2e", False),        # OCR read the subscript 2 as z
    ("kgCO> ea", "kg", "CO2e", False),        # and as >, with eq as ea
])
def test_emission_units(text, mass, series, lost):
    e = emission_unit(text)
    assert e is not None, text
    assert (e.mass, e.series, e.glyph_lost) == (mass, series, lost)


@pytest.mark.parametrize("text,expected", [
    ("kgCO₂e/kWh", "kgCO2e/kWh"), ("kgCO2/kW·h", "kgCO2/kWh"), ("kgCO₂e/(t·km)", "kgCO2e/t*km"),
    ("kgCOe/(tkm)", "kgCO2e/t*km"), ("tCO2/GJ", "tCO2/GJ"), ("kgCO₂/m³", "kgCO2/m3"),
    ("千克二氧化碳当量/千瓦时", "kgCO2e/kWh"), ("kg CO2e / kg", "kgCO2e/kg"),
])
def test_factor_units(text, expected):
    f = factor_unit(text)
    assert f is not None and f.text == expected, text


def test_factor_unit_gas_lost_superscript():
    f = factor_unit("kgCO/m", "天然气")
    assert f.text == "kgCO2/m3" and f.per_note


@pytest.mark.parametrize("factor,activity,emission,ok,scale", [
    ("kgCO2e/kWh", "kWh", "kgCO2e", True, 1),
    ("kgCO2e/kWh", "MWh", "kgCO2e", True, 1000),
    ("tCO2e/t", "kg", "kgCO2e", True, 1),
    ("kgCO2e/t*km", "t*km", "kgCO2e", True, 1),
    ("kgCO2e/kg", "t", "kgCO2e", True, 1000),
    ("kgCO2e/kWh", "m3", "kgCO2e", False, None),      # not a mass of CO2e
    ("kgCO2/kWh", "kWh", "kgCO2e", False, None),      # CO2 is not CO2e
])
def test_check_product(factor, activity, emission, ok, scale):
    f = factor_unit(factor)
    e = emission_unit(emission)
    good, why, k = check_product(f, activity, e)
    assert good is ok, why
    if ok:
        assert k == pytest.approx(scale)


def test_shipped_unit_table_is_what_pint_says():
    """check_product reads pint's answers from data/unit_table.json (importing pint costs more than a short
    report); the file must be exactly what pint computes now: regenerate with `python -m auditor.units`."""
    import json
    from importlib import resources

    from auditor.units import pint_tables

    shipped = json.loads(resources.files("auditor").joinpath("data/unit_table.json").read_text(encoding="utf-8"))
    assert shipped == json.loads(json.dumps(pint_tables()))


def test_check_product_does_not_import_pint():
    import subprocess
    import sys

    code = ("import sys; from auditor.units import check_product, factor_unit, emission_unit; "
            "r = check_product(factor_unit('kgCO2e/kWh'), 'MWh', emission_unit('tCO2e')); "
            "assert r[0] and abs(r[2] - 1) < 1e-12, r; print('pint' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
