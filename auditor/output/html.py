"""One self-contained HTML page for people: per report the verdict and counts, a chart of every stage's value
as stated beside the value its inventory lines recompute to, the findings grouped by stage (stated vs expected,
likely cause, page, waived or baselined with the reason), and the pages that have findings rendered as images
with each finding's box outlined and numbered.

Inline CSS and SVG, images as data: URIs; no script, no external resource. Only pages with findings are
rendered (pypdfium2, ~1.2x, 64-colour PNG), so a report adds a few hundred kB at most.
"""
from __future__ import annotations

import base64
import io
from datetime import UTC, datetime
from html import escape
from pathlib import Path

from .. import i18n
from ..model import AuditOutput, Finding, ReportResult
from .common import (
    by_stage,
    checklist_item,
    checklist_status,
    coverage_phrase,
    direction,
    identity_rows,
    output_lang,
    report_fails,
    severity,
    stage_title,
    state_word,
    stated_expected,
    suppressed_count,
    tidy,
    tr,
    verdict_text,
)
from .fonts import font_face_css

SCALE = 1.2
COLORS = 64
MAX_PAGES = 40  # per report; beyond that the findings are still listed, the pages are not drawn

CSS = """
:root{--ink:#1f2430;--muted:#5f6b7a;--line:#dde2ea;--bg:#f5f7fa;--card:#fff;--err:#c62828;--err-bg:#fdecec;
--warn:#b26a00;--warn-bg:#fff4de;--info:#1565c0;--info-bg:#e8f1fc;--ok:#2e7d32;--ok-bg:#e8f5e9;--sup:#78828f;
--sup-bg:#eef0f3;--stated:#5b6b82;--recomputed:#2e7d32}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.5 -apple-system,"Segoe UI",Roboto,"Noto Sans",
AuditorCJK,"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif}
main{max-width:1160px;margin:0 auto;padding:24px 20px 60px}
header h1{font-size:24px;margin:0 0 4px}
.meta{color:var(--muted);margin:0 0 18px}
h2{font-size:19px;margin:0;word-break:break-all}
h3{font-size:15px;margin:22px 0 10px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
h4{font-size:15px;margin:18px 0 8px;padding-bottom:4px;border-bottom:1px solid var(--line)}
code{font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
a{color:inherit}
table.overview{width:100%;border-collapse:collapse;background:var(--card);border:1px solid var(--line);
border-radius:8px;overflow:hidden;margin-bottom:26px}
.overview th,.overview td{padding:8px 12px;border-bottom:1px solid var(--line);text-align:left}
.overview th{background:#eef1f5;font-weight:600;font-size:12.5px;color:var(--muted)}
.overview td.n,.overview th.n{text-align:right;font-variant-numeric:tabular-nums}
section.report{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:20px 22px;
margin-bottom:28px}
.title{display:flex;gap:12px;align-items:center;flex-wrap:wrap}
.verdict{font-weight:700;font-size:12px;padding:3px 10px;border-radius:999px;text-transform:uppercase;
letter-spacing:.05em}
.verdict.fails{background:var(--err-bg);color:var(--err)}.verdict.passes{background:var(--ok-bg);color:var(--ok)}
.verdict.error{background:var(--err);color:#fff}
.opinion{border-left:6px solid var(--ok);background:var(--ok-bg);padding:8px 14px;margin:10px 0;border-radius:6px}
.opinion.immaterial{border-color:#b7791f;background:#fffaf0}.opinion.not-verifiable{border-color:#6b46c1;background:#faf5ff}
.opinion.material,.opinion.nonconformity{border-color:var(--err);background:var(--err-bg)}
.opinion .op-head{font-size:16px;margin:2px 0}.opinion table{border-collapse:collapse;margin:6px 0}
.opinion td,.opinion th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:left}.opinion td.n{text-align:right}
.opinion tr.sum td{border-top:2px solid #999}.working{margin:4px 0;color:#444}
.check{display:inline-block;margin:2px 4px 2px 0;padding:1px 8px;border-radius:999px;font-size:12px;background:#eee}
.check.fail{background:var(--err);color:#fff}.check.warn{background:#f6e05e}.check.ok{background:var(--ok-bg);color:var(--ok)}
.chips{display:flex;gap:10px;flex-wrap:wrap;margin:14px 0 6px}
.chip{border-radius:8px;padding:8px 14px;min-width:92px;border:1px solid var(--line)}
.chip b{display:block;font-size:22px;line-height:1.1}
.chip.error{background:var(--err-bg);color:var(--err);border-color:#f5c6c6}
.chip.warning{background:var(--warn-bg);color:var(--warn);border-color:#f3d9a4}
.chip.info{background:var(--info-bg);color:var(--info);border-color:#c3d9f5}
.chip.suppressed{background:var(--sup-bg);color:var(--sup)}
.coverage{color:var(--muted);font-size:13px;margin:6px 0 0}
dl.identity{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:6px 18px;margin:12px 0 4px}
.identity div{min-width:0}.identity dt{font-size:11.5px;color:var(--muted);text-transform:uppercase;
letter-spacing:.04em}.identity dd{margin:0;font-weight:600;overflow-wrap:anywhere}
.identity i.missing{color:var(--muted);font-weight:400}
.chart{border:1px solid var(--line);border-radius:8px;padding:12px 14px 6px;background:#fbfcfd}
.chart svg{display:block;width:100%;height:auto}
.finding{border:1px solid var(--line);border-left:5px solid var(--sup);border-radius:6px;padding:10px 14px;
margin:8px 0;background:var(--card)}
.finding.error{border-left-color:var(--err)}.finding.warning{border-left-color:var(--warn)}
.finding.info{border-left-color:var(--info)}
.finding.suppressed{opacity:.72;border-left-color:var(--sup);background:#fafbfc}
.fhead{display:flex;gap:8px;align-items:baseline;flex-wrap:wrap}
.num{display:inline-block;min-width:22px;height:22px;line-height:22px;border-radius:11px;text-align:center;
font-size:12px;font-weight:700;color:#fff;background:var(--sup)}
.error .num{background:var(--err)}.warning .num{background:var(--warn)}.info .num{background:var(--info)}
.suppressed .num{background:var(--sup)}
.sev{font-size:11px;font-weight:700;text-transform:uppercase;letter-spacing:.05em}
.error .sev{color:var(--err)}.warning .sev{color:var(--warn)}.info .sev{color:var(--info)}
.suppressed .sev{color:var(--sup)}
.rname{color:var(--muted)}
.where{margin-left:auto;font-size:12.5px;color:var(--muted);text-decoration:none;border:1px solid var(--line);
border-radius:4px;padding:0 6px}
a.where:hover{background:#eef1f5}
.tag{font-size:11px;font-weight:700;text-transform:uppercase;padding:1px 7px;border-radius:4px;
background:var(--sup-bg);color:var(--sup)}
.msg{margin:6px 0 4px}
.vals{display:flex;gap:8px;align-items:center;flex-wrap:wrap;margin:6px 0}
.val{font-size:12.5px;border-radius:5px;padding:2px 8px;background:#f1f3f6}
.val b{font:600 13px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.val.stated b{color:var(--err)}.val.expected b{color:var(--ok)}
.arrow{color:var(--muted)}
.cause{margin:4px 0;color:#3d4654}
.cause i{color:var(--muted)}
.reason{margin:4px 0;color:var(--sup);font-size:13px}
details{margin-top:4px;font-size:12.5px;color:var(--muted)}
details ol{margin:4px 0 0;padding-left:22px}
.pages{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:18px;align-items:start}
figure{margin:0;border:1px solid var(--line);border-radius:8px;overflow:hidden;background:#fff}
figcaption{padding:7px 12px;font-size:13px;color:var(--muted);border-top:1px solid var(--line);background:#fafbfc}
.page{position:relative;line-height:0}
.page img{width:100%;height:auto;display:block}
.box{position:absolute;border:2px solid var(--sup);background:rgba(120,130,143,.12);border-radius:2px;
text-decoration:none;line-height:1}
.box.error{border-color:var(--err);background:rgba(198,40,40,.13)}
.box.warning{border-color:#e39400;background:rgba(245,166,35,.16)}
.box.info{border-color:var(--info);background:rgba(21,101,192,.12)}
.box .num{position:absolute;top:-11px;left:-11px;min-width:18px;height:18px;line-height:18px;font-size:10.5px;
border-radius:9px;box-shadow:0 0 0 2px #fff}
.box:hover{outline:3px solid rgba(0,0,0,.25)}
.legend{display:flex;gap:16px;font-size:12.5px;color:var(--muted);margin:0 0 6px}
.sw{display:inline-block;width:12px;height:12px;border-radius:2px;vertical-align:-1px;margin-right:5px}
.empty{color:var(--muted)}
footer{color:var(--muted);font-size:12px;text-align:center;margin-top:30px}
"""


def chart_value(text: str | None) -> float | None:
    """A stage's printed value as a bar's length (None when it prints no number)."""
    if not text:
        return None
    try:
        return float(text.replace(",", "").replace("%", "").strip())
    except ValueError:
        return None


def charted_stages(rep: ReportResult) -> tuple[list, float]:
    """The stages with a stated or recomputed number, and the largest of those numbers (the chart's full width)."""
    rows = [s for s in (rep.stages or []) if chart_value(s.stated) is not None or chart_value(s.recomputed) is not None]
    vmax = max((max(chart_value(s.stated) or 0, chart_value(s.recomputed) or 0) for s in rows), default=0) or 1.0
    return rows, vmax


def verdict(rep: ReportResult, fail_on: str) -> str:
    if rep.status != "ok":
        return "error"
    return "fails" if report_fails(rep, fail_on) else "passes"


KIND_ID = {"stated": "out.html.stated", "recomputed": "out.html.recomputed"}
GATE_ID = {"fails": "out.html.fails", "passes": "out.html.passes", "error": "out.html.not-audited"}


# ---------------------------------------------------------------- chart


def stage_chart(rep: ReportResult, lang: str = i18n.DEFAULT_LANG) -> str:
    """Inline SVG: per stage a bar for the stated value and one for the recomputed value."""
    rows, vmax = charted_stages(rep)
    if not rows:
        return ""
    unit = next((s.unit for s in rows if s.unit), "")
    W, label_w, value_w, bar_h, gap, row_gap, top = 1000, 300, 110, 14, 3, 16, 8
    plot_w = W - label_w - value_w
    row_h = 2 * bar_h + gap + row_gap
    H = top + row_h * len(rows) + 6
    _ = tr(lang)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" role="img" '
           f'aria-label="{escape(_("out.html.chart-label"))}">']
    # grid lines at quarters
    for k in range(5):
        x = label_w + plot_w * k / 4
        out.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{H - 4}" stroke="#e3e7ee" stroke-width="1"/>')
    for i, s in enumerate(rows):
        y = top + i * row_h
        title = stage_title(s.canonical, rep, lang) if s.canonical else tidy(s.name)
        out.append(f'<text x="{label_w - 12}" y="{y + bar_h + gap / 2 + 4:.1f}" text-anchor="end" font-size="14" '
                   f'fill="#1f2430">{escape(title)}</text>')
        for j, (kind, text) in enumerate((("stated", s.stated), ("recomputed", s.recomputed))):
            v = chart_value(text)
            by = y + j * (bar_h + gap)
            if v is None or text is None:  # v is None whenever text is; the second test narrows text
                out.append(f'<text x="{label_w + 4}" y="{by + bar_h - 3}" font-size="12" fill="#8a94a3">'
                           f'{escape(_("out.not-recomputable" if kind == "recomputed" else "out.html.not-stated"))}'
                           '</text>')
                continue
            w = max(plot_w * v / vmax, 1.5) if v > 0 else 1.5
            color = "#5b6b82" if kind == "stated" else ("#2e7d32" if s.agrees is not False else "#c62828")
            out.append(f'<rect x="{label_w}" y="{by}" width="{w:.1f}" height="{bar_h}" rx="2" fill="{color}">'
                       f'<title>{escape(title)}: {escape(_(KIND_ID[kind]))} {escape(text)} '
                       f'{escape(unit or "")}</title></rect>')
            weight = ' font-weight="700"' if kind == "recomputed" and s.agrees is False else ""
            out.append(f'<text x="{label_w + w + 6:.1f}" y="{by + bar_h - 3}" font-size="12.5" fill="{color}"'
                       f'{weight}>{escape(text)}</text>')
    out.append("</svg>")
    legend = (f'<div class="legend"><span><i class="sw" style="background:#5b6b82"></i>'
              f'{escape(_("out.html.legend-stated"))}</span>'
              f'<span><i class="sw" style="background:#2e7d32"></i>{escape(_("out.html.legend-agrees"))}</span>'
              f'<span><i class="sw" style="background:#c62828"></i>{escape(_("out.html.legend-differs"))}</span>'
              f'<span>{escape(unit or "")}</span></div>')
    return f'<div class="chart">{legend}{"".join(out)}</div>'


# ---------------------------------------------------------------- pages


def render_pages(path: str, pages: dict[int, list],
                 lang: str = i18n.DEFAULT_LANG) -> tuple[dict[int, dict], str | None]:
    """Render the pages (keys of `pages`, 1-based) and trim their blank margins, keeping every box (the
    values: bboxes in points from the MediaBox's top-left). Returns {page: {"src": data URI, "w", "h": the
    shown area in points, "dx", "dy": its offset from the MediaBox's top-left, "px": image size}} and a note."""
    try:
        from PIL import ImageOps

        from ..read.pdfium import NoPageImages, page_images
    except ImportError:
        return {}, i18n.t("out.html.no-pdfium", lang)
    if not Path(path).is_file():
        return {}, i18n.t("out.html.not-readable", lang, path=path)
    out: dict[int, dict] = {}
    numbers = sorted(pages)
    try:
        for n, img, (ml, _mb, _mr, mt), (cl, _cb, cr, ct) in page_images(path, numbers[:MAX_PAGES], SCALE):
            k = img.width / (cr - cl)
            # the inked area, grown to hold every box, plus a margin
            ink = ImageOps.invert(img.convert("L")).point(lambda v: 255 if v > 24 else 0).getbbox()
            x0, y0, x1, y1 = ink or (0, 0, img.width, img.height)
            for b in pages[n]:
                bx0, by0 = (b[0] - (cl - ml)) * k, (b[1] - (mt - ct)) * k
                bx1, by1 = (b[2] - (cl - ml)) * k, (b[3] - (mt - ct)) * k
                x0, y0, x1, y1 = min(x0, bx0), min(y0, by0), max(x1, bx1), max(y1, by1)
            m = 16
            crop = (max(int(x0) - m, 0), max(int(y0) - m, 0), min(int(x1) + m, img.width), min(int(y1) + m, img.height))
            img = img.crop(crop)
            img = img.quantize(colors=COLORS, method=2)  # fast octree; text pages need few colours
            buf = io.BytesIO()
            img.save(buf, "PNG", compress_level=9)
            out[n] = {"src": "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii"),
                      "w": img.width / k, "h": img.height / k,
                      "dx": (cl - ml) + crop[0] / k, "dy": (mt - ct) + crop[1] / k, "px": img.size}
    except NoPageImages as e:
        return {}, i18n.t("out.html.images-left-out", lang, why=str(e))
    note = None
    if len(numbers) > MAX_PAGES:
        note = i18n.t("out.html.more-pages", lang, n=len(numbers) - MAX_PAGES)
    return out, note


def _box_style(bbox, info) -> str:
    pad = 2.0
    x0, top, x1, bottom = bbox
    x0, x1 = x0 - info["dx"] - pad, x1 - info["dx"] + pad
    top, bottom = top - info["dy"] - pad, bottom - info["dy"] + pad
    w, h = info["w"], info["h"]
    left, tp = max(x0, 0) / w * 100, max(top, 0) / h * 100
    width, height = (min(x1, w) - max(x0, 0)) / w * 100, (min(bottom, h) - max(top, 0)) / h * 100
    return f"left:{left:.2f}%;top:{tp:.2f}%;width:{max(width, 0.6):.2f}%;height:{max(height, 0.6):.2f}%"


box_style = _box_style   # public: the workbench (auditor serve) places its boxes the same way


# ---------------------------------------------------------------- findings


def _finding(f: Finding, n: int, rid: str, pages_drawn: set[int], verbose: bool, lang: str) -> str:
    _ = tr(lang)
    cls = f"finding {f.severity}" + (" suppressed" if f.suppressed is not None else "")
    page = f.location.page if f.location else None
    if page is not None and page in pages_drawn:
        where = f'<a class="where" href="#{rid}-p{page}">{escape(_("out.page", page=page))}</a>'
    elif page is not None:
        where = f'<span class="where">{escape(_("out.page", page=page))}</span>'
    else:
        where = f'<span class="where">{escape(_("stage.whole"))}</span>'
    tag = f'<span class="tag">{escape(state_word(f, lang))}</span>' if f.suppressed is not None else ""
    parts = [f'<article class="{cls}" id="{rid}-f{n}">',
             f'<div class="fhead"><span class="num">{n}</span><span class="sev">{escape(severity(f.severity, lang))}'
             f'</span><code>{escape(f.rule)}</code><span class="rname">{escape(f.name)}</span>{tag}{where}</div>',
             f'<p class="msg">{escape(f.message)}</p>']
    stated, expected = stated_expected(f)
    if stated or expected:
        v = []
        if stated:
            v.append(f'<span class="val stated">{escape(_("out.html.stated"))} <b>{escape(stated)}</b></span>')
        if stated and expected:
            v.append('<span class="arrow">→</span>')
        if expected:
            v.append(f'<span class="val expected">{escape(_("out.html.expected"))} <b>{escape(expected)}</b></span>')
        parts.append(f'<div class="vals">{"".join(v)}</div>')
    if f.cause and f.cause not in f.message:
        parts.append(f'<p class="cause"><i>{escape(_("out.likely-cause"))}</i>{escape(f.cause)}</p>')
    if f.suppressed is not None:
        parts.append(f'<p class="reason">{escape(state_word(f, lang))}: {escape(f.suppressed.reason)}</p>')
    if verbose and f.detail and f.detail.steps:
        steps = "".join(f"<li>{escape(s)}</li>" for s in f.detail.steps)
        parts.append(f"<details><summary>{escape(_('out.working'))}</summary><ol>{steps}</ol></details>")
    parts.append("</article>")
    return "".join(parts)


def _pct(share: float, lang: str) -> str:
    return i18n.P(share, 2).render(lang)


def _opinion(rep: ReportResult, lang: str) -> str:
    """The verdict first: what decides it, the misstatements against materiality, the working, the checklist."""
    op = rep.opinion
    if op is None:
        return ""
    _ = tr(lang)
    out = [f'<div class="opinion {op.verdict}"><p class="op-head"><b>{escape(verdict_text(op.verdict, lang))}'
           f'</b> <code>{op.verdict}</code></p><p>{escape(op.reason)}</p>']
    if op.misstatements:
        rows = "".join(
            f"<tr><td>{escape(m.what)}</td><td class=n>{escape(m.stated)}</td><td class=n>{escape(m.expected)}</td>"
            f"<td class=n>{escape(m.difference)} {escape(m.unit or '')}</td><td>{escape(direction(m.direction, lang))}"
            f"</td><td class=n>{'-' if m.share is None else _pct(m.share, lang)}</td><td>{', '.join(m.rules)}</td></tr>"
            for m in op.misstatements)
        heads = "".join(f"<th>{escape(_(h))}</th>" if h else "<th></th>" for h in (
            "out.col.misstatement", "out.col.stated", "out.col.recomputed", "out.col.difference", "",
            "out.col.share", "out.col.rules"))
        out.append(f'<table class="misstatements"><thead><tr>{heads}</tr></thead>'
                   f'<tbody>{rows}<tr class="sum"><td>{escape(_("out.html.added-up"))}</td><td></td><td></td>'
                   f'<td class=n>{escape(op.aggregate or "")} {escape(op.unit or "")}</td><td></td>'
                   f'<td class=n>{escape(_("out.html.share-of", share=_pct(op.share, lang), total=op.total or "?", threshold=_pct(op.threshold, lang)))}'
                   f'</td><td></td></tr></tbody></table>')
    steps = op.steps[len(op.misstatements):]   # the first steps are the misstatements, in the table above
    if steps:
        out.append("<ul class=working>" + "".join(f"<li>{escape(st)}</li>" for st in steps) + "</ul>")
    if op.checklist:
        out.append('<div class="checklist">' + "".join(
            f'<span class="check {c.status}" title="{escape(", ".join(c.rules))}">'
            f'{escape(checklist_item(c.item, lang))}: {escape(checklist_status(c.status, lang))}</span>'
            for c in op.checklist) + "</div>")
    out.append("</div>")
    return "".join(out)


def _report(rep: ReportResult, i: int, fail_on: str, verbose: bool, images: bool, lang: str) -> str:
    _ = tr(lang)
    rid = f"r{i}"
    v = verdict(rep, fail_on)
    out = [f'<section class="report" id="{rid}"><div class="title"><h2>{escape(rep.path)}</h2>'
           f'<span class="verdict {v}">{escape(_(GATE_ID[v]))}</span></div>']
    out.append(_opinion(rep, lang))
    if rep.status != "ok":
        err = rep.error
        out.append(f'<p><b>{escape(_("out.not-audited-head"))}</b> (<code>{escape(err.code if err else "error")}'
                   f'</code>): {escape(err.message if err else "")}</p></section>')
        return "".join(out)
    ident = identity_rows(rep, lang)
    if ident:
        cells = "".join(f'<div><dt>{escape(label)}</dt><dd>'
                        f'{escape(value) if value else "<i class=missing>" + escape(_("out.missing")) + "</i>"}'
                        f'</dd></div>' for label, value in ident)
        out.append(f'<dl class="identity">{cells}</dl>')
    c = rep.counts
    sup = suppressed_count(rep)
    out.append('<div class="chips">'
               f'<div class="chip error"><b>{c.get("error", 0)}</b>{escape(_("out.html.errors"))}</div>'
               f'<div class="chip warning"><b>{c.get("warning", 0)}</b>{escape(_("out.html.warnings"))}</div>'
               f'<div class="chip info"><b>{c.get("info", 0)}</b>{escape(_("out.html.infos"))}</div>'
               f'<div class="chip suppressed"><b>{sup}</b>{escape(_("out.col.suppressed"))}</div></div>')
    cov = rep.coverage
    if cov is not None:
        sha = _("out.html.sha", sha=rep.sha256[:12] + "…") if rep.sha256 else ""
        out.append(f'<p class="coverage">{escape(_("out.html.checked", coverage=coverage_phrase(cov, lang), sha=sha))}'
                   '</p>')
    chart = stage_chart(rep, lang)
    if chart:
        out.append(f"<h3>{escape(_('out.html.stage-chart'))}</h3>{chart}")
    # number findings in the order they are shown
    groups = by_stage(rep)
    numbered: list[tuple[int, Finding]] = []
    for _stage, fs in groups:
        for f in fs:
            numbered.append((len(numbered) + 1, f))
    number = {id(f): n for n, f in numbered}
    pages: dict[int, list] = {}
    for f in rep.findings:
        if f.location:
            pages.setdefault(f.location.page, [])
            if f.location.bbox:
                pages[f.location.page].append(f.location.bbox)
    drawn, note = render_pages(rep.path, pages, lang) if images and pages else ({}, None)
    out.append(f"<h3>{escape(_('out.findings-by-stage'))}</h3>")
    if not rep.findings:
        out.append(f'<p class="empty">{escape(_("out.no-findings"))}</p>')
    for stage, fs in groups:
        out.append(f"<h4>{escape(stage_title(stage, rep, lang))}</h4>")
        for f in fs:
            out.append(_finding(f, number[id(f)], rid, set(drawn), verbose, lang))
    if drawn:
        out.append(f'<h3>{escape(_("out.html.pages"))}</h3><div class="pages">')
        for p in sorted(drawn):
            info = drawn[p]
            boxes, unboxed = [], []
            for n, f in numbered:
                if not f.location or f.location.page != p:
                    continue
                if f.location.bbox is None:
                    unboxed.append(n)
                    continue
                kind = "suppressed" if f.suppressed is not None else f.severity
                tip = escape(f"{n}. {f.rule} {f.name}: {f.message}", quote=True)
                boxes.append(f'<a class="box {kind}" href="#{rid}-f{n}" title="{tip}" '
                             f'style="{_box_style(f.location.bbox, info)}"><span class="num">{n}</span></a>')
            ratio = f"{info['w']:.2f} / {info['h']:.2f}"
            also = (escape(_("out.html.also-on-page")) + ", ".join(f'<a href="#{rid}-f{n}">#{n}</a>' for n in unboxed)
                    if unboxed else "")
            out.append(f'<figure id="{rid}-p{p}"><div class="page" style="aspect-ratio:{ratio}">'
                       f'<img src="{info["src"]}" alt="{escape(_("out.page", page=p))}" width="{info["px"][0]}" '
                       f'height="{info["px"][1]}">{"".join(boxes)}</div>'
                       f'<figcaption>{escape(_("out.html.page-caption", page=p))}{also}</figcaption></figure>')
        out.append("</div>")
    if note:
        out.append(f'<p class="empty">{escape(note)}</p>')
    out.append("</section>")
    return "".join(out)


def render(output: AuditOutput, fail_on: str = "error", verbose: bool = True, images: bool = True,
           **options) -> str:
    fail_on = fail_on or "error"
    lang = output_lang(output, options)
    _ = tr(lang)
    n = len(output.reports)
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    tool = _("out.html.tool", version=output.tool.version, rules=output.tool.rules_version) if output.tool else ""
    rows = []
    for i, rep in enumerate(output.reports):
        v = verdict(rep, fail_on)
        c = rep.counts
        cells = ("<td class=n>-</td>" * 4 if rep.status != "ok" else
                 f'<td class=n>{c.get("error", 0)}</td><td class=n>{c.get("warning", 0)}</td>'
                 f'<td class=n>{c.get("info", 0)}</td><td class=n>{suppressed_count(rep)}</td>')
        rows.append(f'<tr><td><a href="#r{i}">{escape(rep.path)}</a></td>'
                    f'<td><span class="verdict {v}">{escape(_(GATE_ID[v]))}</span></td>{cells}</tr>')
    heads = "".join(f'<th{" class=n" if k > 1 else ""}>{escape(_(h))}</th>' for k, h in enumerate(
        ("out.col.report", "out.html.col-gate", "out.col.errors", "out.col.warnings", "out.col.info",
         "out.col.suppressed")))
    overview = (f'<table class="overview"><thead><tr>{heads}</tr></thead><tbody>' + "".join(rows) + "</tbody></table>")
    body = "".join(_report(rep, i, fail_on, verbose, images, lang) for i, rep in enumerate(output.reports))
    foot = f'<footer>{escape(_("out.html.footer"))}</footer>'
    header = (f'<header><h1>{escape(_("out.html.title"))}</h1><p class="meta">{escape(tool)}'
              f'{escape(_("out.html.gate"))} <code>{escape(fail_on)}</code> · {when}</p></header>')
    page_title = escape(_("out.html.page-title", n=n))
    # the glyphs of every Chinese character on the page travel with it: no Chinese font needed where it is read
    fonts = font_face_css(page_title + header + overview + body + foot)
    head = (f'<!doctype html><html lang="{escape(HTML_LANG.get(lang, lang))}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{page_title}</title><style>{fonts}{CSS}</style></head><body><main>')
    return head + header + overview + body + foot + "</main></body></html>\n"


HTML_LANG = {"zh": "zh-CN"}
