"""Compact YAML -> Report: rule cases stay short.

Shorthands the builder expands (anything else is passed to Report.model_validate as it is):

* a number as a string is a Quantity: "81.9386", "0.3600 kg", "0.5777 kgCO2e/kWh", "86.77%"
  (text, value and decimals from the digits; the unit normalised like the parser does);
* a stage as a string is a StageRef matched against the vocabulary: "原材料获取";
* metadata text fields as strings are Text: product: 智能型综合配电箱;
  issue_date also fills issue_date_value; data_period "2025-01-01/2025-12-31" fills start and end;
* boundary.claims as strings: ["摇篮到坟墓"]; boundary.declarations as {place, stages: [..]};
* results.rows as lists: [stage, value, percent];
* factor_tables as {columns: ["2024 年"], rows: {全国: ["0.5777"]}, unit: "kgCO2/kWh"};
* allocation.factors as {product: share}: {产品A: "62.5%"}; allocation.output as a number string;
* tables (numeric tables as read) as {caption, kind, stage, columns: [header, ...], rows: [[cell, ...], ...]}:
  column roles and units come from the headers like the parser reads them, a cell that is a number is a
  Quantity in its column's unit, a row whose first cell is 小计 / 合计 / Total is a subtotal / total row.
"""
from __future__ import annotations

from datetime import date
from typing import Any

import regex

from auditor.model import Report
from auditor.numbers import fold, parse_number
from auditor.units import activity_unit, emission_unit, factor_unit
from auditor.vocab import match_claim, match_stage, resolve_order

NUM_UNIT = regex.compile(r"^\s*(?P<num>[-+]?\d[\d,]*(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*(?P<pct>%)?\s*(?P<unit>.*?)\s*$")
TEXT_FIELDS = ("product", "model", "company", "report_number", "issuer", "issue_date", "data_period", "gwp_source",
               "gases_text")


def quantity(x: Any, item: str | None = None) -> Any:
    """'0.3600 kg' -> Quantity dict; dicts and None pass through."""
    if x is None or isinstance(x, dict):
        return x
    s = fold(str(x))
    m = NUM_UNIT.match(s)
    if not m:
        raise ValueError(f"not a number: {x!r}")
    p = parse_number(m.group("num") + (m.group("pct") or ""))
    if p is None:
        raise ValueError(f"not a number: {x!r}")
    out: dict[str, Any] = {"text": m.group("num") + (m.group("pct") or ""), "value": str(p.value),
                           "decimals": p.decimals}
    unit_text = m.group("unit")
    if m.group("pct"):
        out["unit"] = "%"
    elif unit_text:
        out["unit_text"] = unit_text
        fu = factor_unit(unit_text, item)
        eu = emission_unit(unit_text)
        au = activity_unit(unit_text, item)
        out["unit"] = fu.text if fu else eu.text if eu else au[0] if au else unit_text
    return out


def stage(x: Any) -> Any:
    if x is None or isinstance(x, dict):
        return x
    canonical, score = match_stage(str(x))
    return {"name": str(x), "canonical": canonical, "score": round(score, 1)}


def _stages(names: list) -> list:
    refs = [stage(n) for n in names]
    for r, c in zip(refs, resolve_order([r["canonical"] if isinstance(r, dict) else None for r in refs])):
        if isinstance(r, dict):
            r["canonical"] = c
    return refs


def text(x: Any) -> Any:
    return {"text": str(x)} if isinstance(x, (str, int, float)) else x


def _parse_date(s: str) -> date | None:
    m = regex.search(r"(\d{4})\s*(?:年|[-/.])\s*(\d{1,2})\s*(?:月|[-/.])\s*(\d{1,2})", s)
    return date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def _metadata(m: dict) -> dict:
    m = dict(m)
    for k in TEXT_FIELDS:
        if k in m and m[k] is not None and not isinstance(m[k], dict):
            raw = str(m[k])
            if k == "issue_date" and "issue_date_value" not in m:
                m["issue_date_value"] = _parse_date(raw)
            if k == "data_period" and "/" in raw and "data_period_start" not in m:
                a, b = raw.split("/", 1)
                m["data_period_start"], m["data_period_end"] = _parse_date(a), _parse_date(b)
            m[k] = text(raw)
    for k in ("standard", "functional_unit"):
        if k in m:
            m[k] = [text(t) for t in m[k]]
    if "gwp_values" in m:
        m["gwp_values"] = [{**g, "value": quantity(g["value"])} for g in m["gwp_values"]]
    if "annual_output" in m:
        m["annual_output"] = quantity(m["annual_output"])
    return m


def _inventory(inv: dict) -> dict:
    inv = dict(inv)
    stages = []
    for st in inv.get("stages", []):
        st = dict(st)
        st["stage"] = stage(st["stage"])
        lines = []
        for ln in st.get("lines", []):
            ln = dict(ln)
            item = ln.get("item")
            for k in ("activity", "factor", "emissions"):
                if k in ln:
                    ln[k] = quantity(ln[k], item)
            ln.setdefault("stage", st["stage"])
            lines.append(ln)
        st["lines"] = lines
        if "emissions" in st:
            st["emissions"] = quantity(st["emissions"])
            if "emissions_from" not in st:
                if len(lines) == 1:
                    st["emissions_from"] = "single-line"
                    lines[0].setdefault("emissions", st["emissions"])
                else:
                    st["emissions_from"] = "merged"
        stages.append(st)
    if stages:
        canon = resolve_order([s["stage"]["canonical"] for s in stages])
        for s, c in zip(stages, canon):
            s["stage"]["canonical"] = c
    inv["stages"] = stages
    if "total" in inv:
        inv["total"] = quantity(inv["total"])
    return inv


def _results(res: dict) -> dict:
    res = dict(res)
    rows = []
    for r in res.get("rows", []):
        if isinstance(r, (list, tuple)):
            r = {"stage": r[0], "value": r[1], **({"percent": r[2]} if len(r) > 2 and r[2] is not None else {})}
        r = dict(r)
        r["value"] = quantity(r["value"])
        if "percent" in r:
            r["percent"] = quantity(r["percent"])
        rows.append(r)
    refs = _stages([r["stage"] for r in rows])
    for r, ref in zip(rows, refs):
        r["stage"] = ref
    res["rows"] = rows
    for k in ("total", "total_percent"):
        if k in res:
            res[k] = quantity(res[k])
    return res


def _boundary(b: dict) -> dict:
    b = dict(b)
    b["claims"] = [{"text": c, "kind": match_claim(c)} if isinstance(c, str) else c for c in b.get("claims", [])]
    decls = []
    for d in b.get("declarations", []):
        d = dict(d)
        d["stages"] = _stages(d["stages"])
        d.setdefault("text", "、".join(s["name"] for s in d["stages"]))
        decls.append(d)
    b["declarations"] = decls
    b["table"] = [{**r, "stage": stage(r["stage"])} for r in b.get("table", [])]
    if "cutoff" in b:
        b["cutoff"] = text(b["cutoff"])
    return b


def _factor_table(t: dict) -> dict:
    t = dict(t)
    cols = t["columns"]
    t.setdefault("years", [int(m.group(1)) if (m := regex.search(r"((?:19|20)\d{2})", c)) else None for c in cols])
    rows = t.get("rows", {})
    if isinstance(rows, dict):
        rows = [{"label": k, "values": v} for k, v in rows.items()]
    t["rows"] = [{**r, "values": [quantity(v) for v in r["values"]]} for r in rows]
    return t


def _quote(q: dict) -> dict:
    q = dict(q)
    q["stage"] = stage(q.get("stage"))
    q["value"] = quantity(q["value"])
    if "percent" in q:
        q["percent"] = quantity(q["percent"])
    q.setdefault("place", "summary")
    q.setdefault("text", f"{(q['stage'] or {}).get('name', '总计')} {q['value']['text']}")
    return q


def _mention(m: dict) -> dict:
    m = dict(m)
    if "value" in m:
        m["value"] = quantity(m["value"])
    if "announced" in m and isinstance(m["announced"], str):
        m["announced"] = _parse_date(m["announced"])
    m.setdefault("text", "")
    return m


def _table(t: dict) -> dict:
    from auditor.extract.tables import header_unit
    from auditor.relations import quantity_unit
    from auditor.vocab import header_role, is_subtotal_row, is_total_row

    cols = []
    for i, h in enumerate(t["columns"]):
        role = header_role(h)[0]
        ut = header_unit(h)
        cols.append({"index": i, "header": h, "role": role, "unit": quantity_unit(role, ut), "unit_text": ut})
    rows = []
    for r in t["rows"]:
        cells: list = []
        texts = []
        for i, c in enumerate(r):
            c = "" if c is None else str(c)
            if c and NUM_UNIT.match(fold(c)) and parse_number(NUM_UNIT.match(fold(c)).group("num")) is not None:
                q = quantity(c)
                if cols[i]["unit"] and "unit_text" not in q:
                    q["unit"], q["unit_text"] = cols[i]["unit"], cols[i]["unit_text"]
                cells.append(q)
            else:
                cells.append(None)
                if c:
                    texts.append(c)
        first = texts[0] if texts else ""
        kind = "total" if is_total_row(first) else "subtotal" if is_subtotal_row(first) else "line"
        rows.append({"label": " ".join(texts), "kind": kind, "cells": cells})
    out = {"kind": t.get("kind", "other"), "columns": cols, "rows": rows,
           "numbers": sum(1 for r in rows for q in r["cells"] if q is not None)}
    if t.get("caption"):
        out["caption"] = {"text": t["caption"]}
    if t.get("stage"):
        out["stage"] = stage(t["stage"])
    if t.get("read_as"):
        out["read_as"] = t["read_as"]
    return out


def _allocation(a: dict) -> dict:
    """allocation: {method, method_text, factors: {产品A: "62.5%", ...}, output: "7500 台"}."""
    a = dict(a)
    if isinstance(a.get("factors"), dict):
        a["factors"] = [{"product": k, "value": quantity(v)} for k, v in a["factors"].items()]
    if "output" in a:
        a["output"] = quantity(a["output"])
    for k in ("method_text", "factors_text", "output_text"):
        if isinstance(a.get(k), str):
            a[k] = {"text": a[k]}
    return a


def expand(data: dict) -> dict:
    """The compact YAML of a case -> a dict Report.model_validate accepts."""
    d = dict(data or {})
    if "metadata" in d:
        d["metadata"] = _metadata(d["metadata"])
    if "inventory" in d:
        d["inventory"] = _inventory(d["inventory"])
    if "results" in d:
        d["results"] = _results(d["results"])
    if "boundary" in d:
        d["boundary"] = _boundary(d["boundary"])
    if "factor_tables" in d:
        d["factor_tables"] = [_factor_table(t) for t in d["factor_tables"]]
    if "quotes" in d:
        d["quotes"] = [_quote(q) for q in d["quotes"]]
    if "factor_mentions" in d:
        d["factor_mentions"] = [_mention(m) for m in d["factor_mentions"]]
    if "tables" in d:
        d["tables"] = [_table(t) for t in d["tables"]]
    if "allocation" in d:
        d["allocation"] = _allocation(d["allocation"])
    return d


def build_report(data: dict) -> Report:
    return Report.model_validate(expand(data))
