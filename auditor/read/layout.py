"""Tables without ruling lines, found from how printed lines line up.

pdfplumber finds tables by their lines; a table printed without them reads as prose with wide gaps. Here a
printed line is cut into segments where the gap between two glyphs is much wider than a space; a run of lines
cut into two or more segments whose gutters line up is a table. The same code reads the words of an OCR'd page.

Rows are the groups of segments that overlap vertically (a cell that wraps onto two lines is centred against
the one-line cells of its row, so they overlap); a row with no number that only adds text under text is the
wrapped tail of the row above. Columns are the gaps that every full row leaves free.
"""
from __future__ import annotations

from dataclasses import dataclass

from .. import regexes as regex
from .document import Cell, Glyph, Table, TextFlow, join_cell_text

NUMERIC = regex.compile(r"^[-−+]?[\d,]*\d(?:\.\d+)?(?:[eE][-+]?\d+)?\s*%?$")
PUNCT = set(",.;:。，；：、!?！？")
SENTENCE = regex.compile(r"[。;；]|[,，](?!\d{3})")


@dataclass
class Segment:
    flow: TextFlow
    x0: float
    top: float
    x1: float
    bottom: float
    line: int                   # index of the printed line it came from

    @property
    def text(self) -> str:
        return self.flow.text.strip()

    @property
    def numeric(self) -> bool:
        return bool(NUMERIC.match(self.text.replace(" ", "")))

    @property
    def conf(self) -> float | None:
        return self.flow.confidence(0, len(self.flow.text))


def _box(gs: list[Glyph]) -> tuple[float, float, float, float]:
    return min(g.x0 for g in gs), min(g.top for g in gs), max(g.x1 for g in gs), max(g.bottom for g in gs)


def segments(flow: TextFlow, line: int, min_gap: float | None = None) -> list[Segment]:
    """Cut a printed line where two neighbouring glyphs stand further apart than a column gap."""
    idx = [i for i, g in enumerate(flow.glyphs) if g is not None and flow.text[i].strip()]
    if not idx:
        return []
    gl: dict[int, Glyph] = {i: g for i in idx if (g := flow.glyphs[i]) is not None}
    heights = sorted(gl[i].bottom - gl[i].top for i in idx)
    h = heights[len(heights) // 2] or 10.0
    gap = min_gap if min_gap is not None else max(6.0, 0.75 * h)
    cuts = [idx[0]]
    ends = []
    for a, b in zip(idx, idx[1:]):
        # OCR boxes a comma or full stop by its ink, leaving the rest of its em as a gap: not a gutter
        if flow.text[a] in PUNCT or flow.text[b] in ")]）】":
            continue
        if gl[b].x0 - gl[a].x1 > gap:
            ends.append(a + 1)
            cuts.append(b)
    ends.append(idx[-1] + 1)
    out = []
    for s, e in zip(cuts, ends):
        part = flow.slice(s, e)
        gs = [g for g in part.glyphs if g is not None]
        out.append(Segment(part, *_box(gs), line=line))
    return out


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return min(a1, b1) - max(a0, b0)


def _regions(segs: list[list[Segment]]) -> list[tuple[int, int]]:
    """Runs of lines [start, end) that look like a table: lines cut into 2+ segments, and lines that overlap
    one of those vertically (a wrapped cell's other line). At least three cut lines."""
    out = []
    n = len(segs)
    i = 0
    while i < n:
        if len(segs[i]) < 2:
            i += 1
            continue
        j = i
        cut = 0
        while j < n:
            if len(segs[j]) >= 2:
                cut += 1
                j += 1
                continue
            after = segs[j + 1] if j + 1 < n else []
            if segs[j] and (_touches(segs[j][0], segs[j - 1] if j > i else [], after) or len(after) >= 2):
                j += 1   # a wrapped cell's other line, or a one-cell row inside the table
                continue
            break
        start = i
        # a wrapped header cell's first line sits just above the first cut line
        if start > 0 and segs[start - 1] and _touches(segs[start - 1][0], [], segs[start]):
            start -= 1
        if cut >= 3:
            out.append((start, j))
        i = max(j, i + 1)
    return out


def _touches(seg: Segment, before: list[Segment], after: list[Segment]) -> bool:
    return any(_overlap(seg.top, seg.bottom, s.top, s.bottom) > 0.5 for s in before + after)


def _columns(rows: list[list[Segment]]) -> list[tuple[float, float]]:
    """Column bands: the x extents left free by gutters in the rows with the most segments."""
    counts = [len(r) for r in rows]
    most = max(counts)
    full = [r for r in rows if len(r) == most]
    if len(full) < 2:
        full = [r for r in rows if len(r) >= most - 1]
    spans = sorted((s.x0, s.x1) for r in full for s in r)
    bands: list[list[float]] = []
    for x0, x1 in spans:
        if bands and x0 <= bands[-1][1] + 1:
            bands[-1][1] = max(bands[-1][1], x1)
        else:
            bands.append([x0, x1])
    return [(a, b) for a, b in bands]


def _cols_of(seg: Segment, bands: list[tuple[float, float]]) -> list[int]:
    hit = [i for i, (a, b) in enumerate(bands) if _overlap(seg.x0, seg.x1, a, b) > 0.5]
    if hit:
        return list(range(hit[0], hit[-1] + 1))
    centre = (seg.x0 + seg.x1) / 2
    return [min(range(len(bands)), key=lambda i: min(abs(centre - bands[i][0]), abs(centre - bands[i][1])))]


def _row_groups(lines: list[list[Segment]]) -> list[list[Segment]]:
    """Segments grouped into table rows: lines that overlap vertically belong to one row."""
    groups: list[list[Segment]] = []
    for segs in lines:
        if groups and any(_overlap(s.top, s.bottom, t.top, t.bottom) > 0.5 for s in segs for t in groups[-1]):
            groups[-1].extend(segs)
        else:
            groups.append(list(segs))
    return groups


def build_table(lines: list[list[Segment]], page: int) -> Table | None:
    groups = _row_groups(lines)
    bands = _columns([g for g in lines if len(g) >= 2])
    if len(bands) < 2:
        return None
    rows: list[list[Cell]] = []
    filled: list[list[list[Segment]]] = []
    for g in groups:
        slots: list[list[Segment]] = [[] for _ in bands]
        spans: dict[int, list[int]] = {}
        for s in sorted(g, key=lambda s: (s.top, s.x0)):
            cols = _cols_of(s, bands)
            slots[cols[0]].append(s)
            if len(cols) > 1:
                spans[cols[0]] = cols[1:]
        if filled and _is_tail(slots, filled[-1]):
            for c, ss in enumerate(slots):
                filled[-1][c].extend(ss)
            rows[-1] = _cells(filled[-1], spans_of(rows[-1]), page, bands, _row_box(filled[-1]))
            continue
        filled.append(slots)
        rows.append(_cells(slots, spans, page, bands, _row_box(slots)))
    if len(rows) < 2:
        return None
    x0 = min(b[0] for b in bands)
    x1 = max(b[1] for b in bands)
    top = min(s.top for g in groups for s in g)
    bottom = max(s.bottom for g in groups for s in g)
    return Table(page=page, bbox=(x0, top, x1, bottom), rows=rows, ruled=False)


def spans_of(row: list[Cell]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for c, cell in enumerate(row):
        if cell.merged:
            start = c
            while start > 0 and row[start].merged:
                start -= 1
            out.setdefault(start, []).append(c)
    return out


def _is_tail(slots: list[list[Segment]], above: list[list[Segment]]) -> bool:
    """A row that only continues text of the row above: no numbers, text only under text, fewer cells."""
    used = [c for c, ss in enumerate(slots) if ss]
    if not used or any(s.numeric for ss in slots for s in ss):
        return False
    above_text = [c for c, ss in enumerate(above) if ss and not all(s.numeric for s in ss)]
    return all(c in above_text for c in used) and len(used) < len([c for c, ss in enumerate(above) if ss])


def _row_box(slots: list[list[Segment]]) -> tuple[float, float]:
    ss = [s for x in slots for s in x]
    return min(s.top for s in ss), max(s.bottom for s in ss)


def _cells(slots: list[list[Segment]], spans: dict[int, list[int]], page: int, bands, ybox) -> list[Cell]:
    cells: list[Cell] = []
    covered = {c: start for start, cs in spans.items() for c in cs}
    for c, ss in enumerate(slots):
        if c in covered:
            src = cells[covered[c]]
            cells.append(Cell(text=src.text, page=page, bbox=src.bbox, merged=True, conf=src.conf))
            continue
        text = join_cell_text("\n".join(s.text for s in sorted(ss, key=lambda s: (s.top, s.x0))))
        confs = [s.conf for s in ss if s.conf is not None]
        x1 = bands[spans[c][-1]][1] if c in spans else bands[c][1]
        cells.append(Cell(text=text, page=page, bbox=(bands[c][0], ybox[0], x1, ybox[1]),
                          conf=min(confs) if confs else None))
    return cells


def _prose(table: Table) -> bool:
    """Running text cut at wide gaps: many cells hold sentence punctuation."""
    cells = [c.text for row in table.rows for c in row if c.text and not c.merged]
    return bool(cells) and sum(1 for t in cells if SENTENCE.search(t)) > 0.3 * len(cells)


def find_unruled_tables(flows: list[TextFlow], page: int, accept) -> tuple[list[Table], list[int]]:
    """Tables in a page's printed lines. `accept(table)` decides whether a candidate is a table the report
    reader knows (so prose with a wide gap or two stays prose). Returns the tables and the indices of the lines
    they took."""
    segs = [segments(f, i) for i, f in enumerate(flows)]
    tables: list[Table] = []
    taken: list[int] = []
    for start, end in _regions(segs):
        lines = [segs[i] for i in range(start, end) if segs[i]]
        table = build_table(lines, page)
        if table is not None and not _prose(table) and accept(table):
            tables.append(table)
            taken.extend(range(start, end))
    return tables, taken
