"""Text for people: per report, its identity, then findings grouped by severity, each with stated vs expected, page
and reason.

Lines are wrapped to the terminal's width (COLUMNS, else the terminal's own size) only when the text goes to a
terminal; piped or written to a file (-o) every message stays on one line, so grep finds it. Lines break only at
spaces, never inside a number or any other token (a token wider than the terminal stays whole), and a continuation
line is indented under the text it continues.
"""
from __future__ import annotations

import io
import re
import shutil
import sys

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from ..model import AuditOutput, Finding, ReportIdentity
from .common import VERDICT_TEXT, coverage_phrase

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
TITLE = {"error": "Errors", "warning": "Warnings", "info": "Info"}
MISSING = "missing"

Seg = tuple[str, "str | None"]


def _where(f: Finding) -> str:
    if f.location is None:
        return ""
    return f"p.{f.location.page}"


def to_terminal() -> bool:
    """Whether stdout is a terminal (the CLI says `terminal=False` itself when it writes to -o FILE)."""
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def terminal_width() -> int:
    return max(20, shutil.get_terminal_size((80, 24)).columns)


_SPACES = re.compile(r"( +)")


def wrap(segs: list[Seg], width: int | None, hang: int | None = None) -> list[list[Seg]]:
    """Break styled text into lines of at most `width` cells, only at spaces; continuation lines start with `hang`
    spaces (default: the text's own leading spaces). width None: one line."""
    if width is None:
        return [segs]
    # words (each a list of styled pieces) and the runs of spaces between them
    # a space run is kept as a one-piece list, so both kinds share a type
    items: list[tuple[str, list[Seg]]] = []
    word: list[Seg] = []
    for text, style in segs:
        for part in _SPACES.split(text):
            if not part:
                continue
            if part.startswith(" "):
                if word:
                    items.append(("word", word))
                    word = []
                items.append(("space", [(part, style)]))
            else:
                word.append((part, style))
    if word:
        items.append(("word", word))
    lead = 0
    while items and items[0][0] == "space":
        lead += len(items.pop(0)[1][0][0])
    hang = lead if hang is None else hang
    lines: list[list[Seg]] = []
    line: list[Seg] = [(" " * lead, None)] if lead else []
    used, has_word = lead, False
    pending: list[Seg] = []
    for kind, val in items:
        if kind == "space":
            pending.extend(val)
            continue
        wlen = sum(cell_len(t) for t, _ in val)
        gap = sum(len(t) for t, _ in pending)
        if has_word and used + gap + wlen > width:
            lines.append(line)
            line, used = ([(" " * hang, None)] if hang else []), hang
        else:
            line.extend(pending)
            used += gap
        pending = []
        line.extend(val)
        used += wlen
        has_word = True
    lines.append(line)
    return lines


class _Out:
    def __init__(self, con: Console, width: int | None):
        self.con, self.width = con, width

    def line(self, *segs: Seg, hang: int | None = None) -> None:
        for physical in wrap([s for s in segs if s[0]], self.width, hang):
            t = Text()
            for text, style in physical:
                t.append(text, style=style)
            self.con.print(t, soft_wrap=True)

    def blank(self) -> None:
        self.con.print()


def render(output: AuditOutput, color: bool = False, width: int | None = None, verbose: bool = True,
           **options) -> str:
    """`width`: wrap at this many columns; None: the terminal's width when writing to a terminal, else no wrapping
    (`terminal` True/False overrides the detection)."""
    if width is None:
        terminal = options.get("terminal")
        if terminal is None:
            terminal = to_terminal()
        width = terminal_width() if terminal else None
    buf = io.StringIO()
    con = Console(file=buf, force_terminal=color, color_system="auto" if color else None, width=10**6,
                  highlight=False, soft_wrap=True, emoji=False, markup=False)
    out = _Out(con, width)
    for rep in output.reports:
        out.line((rep.path, "bold"))
        if rep.status == "error":
            code = rep.error.code if rep.error else "error"
            msg = rep.error.message if rep.error else ""
            out.line(("  ", None), ("could not be audited", "bold red"), (f" ({code}): {msg}", None), hang=4)
            _opinion(out, rep.opinion, False)
            out.blank()
            continue
        if rep.identity is not None:
            _identity(out, rep.identity)
        active = [f for f in rep.findings if f.suppressed is None]
        suppressed = [(f, f.suppressed) for f in rep.findings if f.suppressed is not None]
        for sev in ("error", "warning", "info"):
            group = [f for f in active if f.severity == sev]
            if not group:
                continue
            out.line(("  ", None), (f"{TITLE[sev]} ({len(group)})", STYLE[sev]))
            for f in group:
                _finding(out, f, verbose)
        if suppressed:
            out.line(("  ", None), (f"Suppressed ({len(suppressed)})", "dim"))
            for f, sup in suppressed:
                out.line((f"    {f.rule} {f.message} — {sup.kind}: {sup.reason}", "dim"), hang=6)
        c = rep.counts
        cov = rep.coverage
        reach = ""
        if cov is not None:
            reach = f"; checked {coverage_phrase(cov)}"

        def n(k: str, word: str, c: dict[str, int] = c) -> str:
            v = c.get(k, 0)
            return f"{v} {word}{'' if v == 1 or word == 'info' else 's'}"

        out.line((f"  {n('error', 'error')}, {n('warning', 'warning')}, {n('info', 'info')}{reach}", None), hang=4)
        _opinion(out, rep.opinion, verbose)
        out.blank()
    return buf.getvalue()


VERDICT_STYLE = {"clean": "bold green", "immaterial": "bold yellow", "material": "bold red",
                 "not-verifiable": "bold magenta", "nonconformity": "bold red"}


def _opinion(out: _Out, op, verbose: bool) -> None:
    """The verdict last: what decides it, then (verbose) the working and the checklist items that failed."""
    if op is None:
        return
    out.line(("  verdict: ", "bold"), (f"{VERDICT_TEXT.get(op.verdict, op.verdict)}", VERDICT_STYLE.get(op.verdict)),
             (f" ({op.verdict})", None), hang=4)
    out.line((f"    {op.reason}", None), hang=6)
    if not verbose:
        return
    for step in op.steps:
        out.line((f"    · {step}", "dim"), hang=8)
    marks = [f"{c.item} {c.status}" for c in op.checklist if c.status != "not-run"]
    if marks:
        out.line((f"    checklist: {', '.join(marks)}", "dim"), hang=8)


def _field(label: str, value: str | None) -> list[Seg]:
    return [(f"{label} ", "dim"), (value, None) if value else (MISSING, "dim italic")]


def identity_total(ident: ReportIdentity) -> str:
    """'94.4311 kgCO2e (stages add up to 94.4311: agrees)', 'missing', or the stated total alone."""
    unit = f" {ident.total_unit}" if ident.total_unit else ""
    if ident.total is None:
        return MISSING
    out = f"{ident.total}{unit}"
    if ident.total_recomputed is not None:
        verdict = {True: "agrees", False: "differs", None: "not compared"}[ident.total_agrees]
        out += f" (stages add up to {ident.total_recomputed}: {verdict})"
    return out


def _identity(out: _Out, ident: ReportIdentity) -> None:
    sep = ("; ", "dim")
    out.line(("  ", None), *_field("report no.", ident.report_number), sep, *_field("company", ident.company), hang=4)
    out.line(("  ", None), *_field("product", ident.product), sep, *_field("model", ident.model), hang=4)
    out.line(("  ", None), *_field("issuer", ident.issuer), sep, *_field("issued", ident.issue_date), hang=4)
    total = identity_total(ident)
    style = "bold red" if ident.total_agrees is False else None
    out.line(("  ", None), ("stated total ", "dim"), (total, style if ident.total else "dim italic"), hang=4)


def _finding(out: _Out, f: Finding, verbose: bool) -> None:
    where = _where(f)
    out.line(("    ", None), (f.rule, STYLE[f.severity]), (" ", None), (f.name, "dim"),
             (f"  {where}" if where else "", None), hang=6)
    out.line((f"      {f.message}", None))
    d = f.detail
    if d and (d.stated or d.computed):
        line = f"      stated {d.stated or '-'}"
        if d.computed:
            line += f"  expected {d.computed}"
        if d.stated_interval and d.computed_interval:
            line += f"  (intervals {d.stated_interval[0]}..{d.stated_interval[1]} vs {d.computed_interval[0]}.." \
                    f"{d.computed_interval[1]})"
        out.line((line, "dim"))
    elif f.expected:
        out.line((f"      expected {f.expected}", "dim"))
    if f.cause and f.cause not in f.message:
        out.line(("      ", None), ("likely cause:", "italic"), (f" {f.cause}", None))
    if verbose and d and d.steps:
        for s in d.steps:
            out.line((f"        · {s}", "dim"), hang=10)
