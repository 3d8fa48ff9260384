"""The page assembler every page source ends in: ruled tables by pdfplumber's table finder on the source's
characters and edges, prose lines from the characters outside them (pdfplumber's text-line builder), then the
unruled tables among those lines (kept when the table policy knows their kind).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

from . import plumber
from .document import (
    Cell,
    Char,
    Edge,
    Glyph,
    Page,
    Table,
    TablePolicy,
    TextFlow,
    count_unreadable,
    drop_cjk_latin_spaces,
    fold_chars,
    join_cell_text,
)


class EdgePage:
    """What pdfplumber's TableFinder and Table.extract read of a page, built from pdfium's objects: a stand-in for
    pdfplumber's Page (its bbox, chars and edges, nothing else), so typed as Any where it is handed over."""

    def __init__(self, width: float, height: float, chars: Sequence[Char], edges: Sequence[Edge]):
        self.bbox = (0, 0, width, height)
        self.chars = chars
        self.edges = edges


def find_ruled_tables(width: float, height: float, chars: list[Char], edges: list[Edge], number: int) -> list[Table]:
    """pdfplumber's own table finder (lines strategy) on pdfium's edges and characters."""
    if len(edges) < 2:
        return []
    page: Any = EdgePage(width, height, chars, edges)
    return tables_from_finder(plumber.table_finder()(page).tables, number)


def assemble_page(number: int, width: float, height: float, tables: list[Table], chars: list[Char], images: int,
                  previous: Page | None, accept: TablePolicy | None = None) -> Page:
    """The steps after either reader: prose lines from the characters outside the ruled tables (pdfplumber's
    text-line builder), then the unruled tables among those lines."""
    chars_to_textmap = plumber.chars_to_textmap()
    boxes = [t.bbox for t in tables]
    prose = [c for c in chars if not _inside(c, boxes)] if boxes else chars
    flows: list[TextFlow] = []
    if prose:
        # pdfplumber types its characters as plain dicts; ours are the same dicts, typed (Char)
        tm = chars_to_textmap(cast(list[dict[str, Any]], prose), layout_bbox=(0, 0, width, height), layout_width=width, layout_height=height)
        flows = [_line_flow(line, number) for line in tm.extract_text_lines(strip=True, return_chars=True)]
    all_tables, lines = finish_page(number, height, tables, flows, previous, accept)
    return Page(number=number, width=width, height=height, lines=lines, tables=all_tables,
                chars=sum(1 for c in chars if not c["text"].isspace()), images=images,
                garbage=count_unreadable([c["text"] for c in chars]))


def finish_page(number: int, height: float, ruled: list[Table], flows: list[TextFlow], previous: Page | None,
                knows: TablePolicy | None) -> tuple[list[Table], TextFlow]:
    """The last step of every page, whichever source read it: the unruled tables among its prose lines, then all
    tables top to bottom and the remaining lines as one flow."""
    unruled, flows = unruled_tables(flows, number, height, previous, knows, heads=ruled)
    lines = TextFlow.concat(flows, sep="\n") if flows else TextFlow()
    return _join_heads(sorted(ruled + unruled, key=lambda t: t.bbox[1])), lines


def _heads_body(head: Table, body: Table) -> bool:
    """A header ruled above and below (a 三线表's, a booktabs table's) with its body printed without lines right
    under it: one table."""
    return (head.ruled and not body.ruled and len(head.rows) <= 2 and head.ncols == body.ncols
            and head.page == body.page and 0 <= body.bbox[1] - head.bbox[3] < 40)


def _join_heads(tables: list[Table]) -> list[Table]:
    out: list[Table] = []
    for t in tables:
        if out and _heads_body(out[-1], t):
            h = out.pop()
            out.append(Table(page=h.page, bbox=(min(h.bbox[0], t.bbox[0]), h.bbox[1], max(h.bbox[2], t.bbox[2]),
                                                t.bbox[3]), rows=h.rows + t.rows, ruled=False))
            continue
        out.append(t)
    return out


def _inside(obj, boxes) -> bool:
    cx = (obj["x0"] + obj["x1"]) / 2
    cy = (obj["top"] + obj["bottom"]) / 2
    return any(b[0] - 1 <= cx <= b[2] + 1 and b[1] - 1 <= cy <= b[3] + 1 for b in boxes)


def unruled_tables(flows: list[TextFlow], number: int, height: float, previous: Page | None,
                   knows: TablePolicy | None = None, heads: Sequence[Table] = ()) -> tuple[list[Table], list[TextFlow]]:
    """Tables printed without lines, among the page's prose lines; kept only when the report reader knows the
    kind of table (`knows`; without one every candidate is kept), or it goes on from an unruled table at the foot
    of the previous page."""
    from .layout import find_unruled_tables

    last = previous.tables[-1] if previous is not None and previous.tables else None

    def accept(table: Table) -> bool:
        if knows is None or knows(table):
            return True
        if any(_heads_body(h, table) for h in heads):
            return True       # the body of a table whose header alone is ruled
        return (last is not None and previous is not None and not last.ruled and last.ncols == table.ncols
                and last.bbox[3] > 0.7 * previous.height and table.bbox[1] < 0.25 * height)

    tables, taken = find_unruled_tables(flows, number, accept)
    if not tables:
        return [], flows
    gone = set(taken)
    return tables, [f for i, f in enumerate(flows) if i not in gone]


def _line_flow(line: dict, page: int) -> TextFlow:
    chars = line.get("chars") or []
    pairs: list[tuple[str, Glyph | None]] = []
    k = 0
    text = line["text"]
    i = 0
    while i < len(text):
        ch = text[i]
        if k < len(chars) and text.startswith(chars[k]["text"], i) and chars[k]["text"]:
            c = chars[k]
            g = Glyph(page, float(c["x0"]), float(c["top"]), float(c["x1"]), float(c["bottom"]), c.get("conf"))
            for sub in c["text"]:
                pairs.append((sub, g))
            i += len(c["text"])
            k += 1
        else:
            pairs.append((ch, None))
            i += 1
    return drop_cjk_latin_spaces(fold_chars(pairs))


def tables_from_finder(found: Any, number: int) -> list[Table]:
    """pdfplumber's tables (from either reader) as ours, one-column grids dropped."""
    out = []
    for t in found:
        rows = _grid(t, number)
        if rows and max(len(r) for r in rows) >= 2:
            x0, top, x1, bottom = (float(v) for v in t.bbox)
            out.append(Table(page=number, bbox=(x0, top, x1, bottom), rows=rows, ruled=True))
    return out


def _grid(t: Any, page: int) -> list[list[Cell]]:
    confs: list[list[float | None]] = []
    texts = table_texts(t, confs)

    def cell(r: int, c: int, bbox: tuple[float, float, float, float]) -> Cell:
        raw = texts[r][c] if r < len(texts) and c < len(texts[r]) else None
        conf = confs[r][c] if r < len(confs) and c < len(confs[r]) else None
        return Cell(text=join_cell_text(raw or ""), page=page, bbox=bbox, conf=conf)

    return grid(t, page, cell)


CellReader = Callable[[int, int, tuple[float, float, float, float]], Cell]


def grid(t: Any, page: int, cell: CellReader) -> list[list[Cell]]:
    """The rows of one of pdfplumber's tables as cells: `cell(row, column, bbox)` reads a cell that starts there
    (from the text layer, or by OCR); a position a spanning cell covers is filled from that cell."""
    rows = []
    for r, row in enumerate(t.rows):
        cells = []
        for c, bbox in enumerate(row.cells):
            if bbox is None:
                cells.append(Cell(text="", page=page, bbox=None, merged=True))
            else:
                cells.append(cell(r, c, (float(bbox[0]), float(bbox[1]), float(bbox[2]), float(bbox[3]))))
        rows.append((row.bbox, cells))
    fill_merged(rows)
    return [cells for _, cells in rows]


def table_texts(t, confs: list[list[float | None]] | None = None) -> list[list[str | None]]:
    """What pdfplumber's ``Table.extract()`` returns (a character belongs to the cell holding its centre; each
    cell's text in lines and words, 3-point tolerances), in O(characters log characters) instead of rows x page
    characters: the characters are sorted by the height of their centre once, and each row takes its slice.
    `confs`, when given, gets each cell's lowest character confidence (characters read by OCR), row by row."""
    from bisect import bisect_left

    def mid(c):
        return (c["top"] + c["bottom"]) / 2

    anchor = getattr(t.page, "_run_anchors", None)    # once per page, not once per table on it
    if anchor is None:
        anchor = _run_anchors(t.page.chars)
        try:
            t.page._run_anchors = anchor
        except AttributeError:
            pass
    chars = sorted(t.page.chars, key=mid)
    mids = [mid(c) for c in chars]
    out: list[list[str | None]] = []
    for row in t.rows:
        _, top, _, bottom = row.bbox
        row_chars = chars[bisect_left(mids, top):bisect_left(mids, bottom)]
        row_chars = [c for c in row_chars if row.bbox[0] <= (c["x0"] + c["x1"]) / 2 < row.bbox[2]]
        arr: list[str | None] = []
        low: list[float | None] = []
        for cell in row.cells:
            if cell is None:
                arr.append(None)
                low.append(None)
                continue
            x0, ctop, x1, cbottom = cell
            inside = [c for c in row_chars if x0 <= anchor.get(id(c), (c["x0"] + c["x1"]) / 2) < x1
                      and ctop <= mid(c) < cbottom]
            arr.append(_cell_text(inside))
            cs = [c["conf"] for c in inside if "conf" in c and not c["text"].isspace()]
            low.append(min(cs) if cs else None)
        out.append(arr)
        if confs is not None:
            confs.append(low)
    return out


def _run_anchors(chars: Sequence[Any]) -> dict[int, float]:
    """Text that overflows its cell ('1200×1000' printed wider than its column, into the next cell) stays in the
    cell where it starts: characters printed one after the other on a line, each touching the one before, form a
    run, and a run belongs to the cell holding its first character. A character that overprints the one before
    (another text object drawn over it) starts a run of its own. Only runs that overflow are moved: {id(char):
    x of its run's first character's centre}."""
    out: dict[int, float] = {}
    run: list[Any] = []

    def close() -> None:
        if len(run) > 1:
            start = (run[0]["x0"] + run[0]["x1"]) / 2
            for c in run[1:]:
                out[id(c)] = start
        run.clear()

    for c in chars:
        prev = run[-1] if run else None
        if prev is not None and not c["text"].isspace() and abs(c["top"] - prev["top"]) < 1 \
                and prev["x1"] - 1 <= c["x0"] <= prev["x1"] + 1.2:
            run.append(c)
            continue
        close()
        if not c["text"].isspace():
            run.append(c)
    close()
    return out


def _cell_text(chars: list[dict], tol: float = 3) -> str:
    """pdfplumber's non-layout text of a few characters: lines by `doctop` (chained within tol), words split at
    a gap wider than tol, a step back or a blank; words joined by a space, lines by a newline."""
    if not chars:
        return ""
    chars = sorted(chars, key=lambda c: c["doctop"])
    lines: list[list[dict]] = [[chars[0]]]
    for before, c in zip(chars, chars[1:]):
        if c["doctop"] - before["doctop"] <= tol:
            lines[-1].append(c)
        else:
            lines.append([c])
    out = []
    for line in lines:
        line.sort(key=lambda c: c["x0"])
        words: list[str] = []
        prev: dict[str, Any] | None = None
        for c in line:
            if c["text"].isspace():
                prev = None
                words.append("")
                continue
            if prev is None or c["x0"] < prev["x0"] or c["x0"] > prev["x1"] + tol or c["top"] > prev["top"] + tol:
                words.append(c["text"])
            else:
                words[-1] += c["text"]
            prev = c
        out.append(" ".join(w for w in words if w))
    return "\n".join(out)


def fill_merged(rows) -> None:
    """A None cell continues the cell that spans it: the one above if it reaches down, else the one to the left."""
    for r, (rbox, cells) in enumerate(rows):
        for c, cell in enumerate(cells):
            if not cell.merged:
                continue
            src = None
            for rr in range(r - 1, -1, -1):
                above = rows[rr][1][c] if c < len(rows[rr][1]) else None
                if above is None:
                    break
                if above.bbox is not None:
                    if above.bbox[3] > rbox[1] + 1:
                        src = above
                    break
            if src is None:
                for cc in range(c - 1, -1, -1):
                    left = cells[cc]
                    if left.bbox is not None:
                        src = left
                        break
                    if not left.merged:
                        break
            if src is not None:
                cell.text = src.text
                cell.bbox = src.bbox
                cell.conf = src.conf
