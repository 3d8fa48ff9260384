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

from .. import i18n
from ..model import AuditOutput, Finding, ReportIdentity
from .common import (
    AGREES_ID,
    SEVERITY_TITLE_ID,
    checklist_item,
    checklist_status,
    counts_phrase,
    coverage_phrase,
    output_lang,
    state_word,
    tr,
    verdict_text,
)

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}

Seg = tuple[str, "str | None"]


def _where(f: Finding, lang: str) -> str:
    if f.location is None:
        return ""
    return i18n.t("out.page", lang, page=f.location.page)


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
    lang = output_lang(output, options)
    _ = tr(lang)
    for rep in output.reports:
        out.line((rep.path, "bold"))
        if rep.status == "error":
            code = rep.error.code if rep.error else "error"
            msg = rep.error.message if rep.error else ""
            out.line(("  ", None), (_("out.not-audited"), "bold red"), (_("out.not-audited-why", code=code, message=msg),
                                                                           None), hang=4)
            _opinion(out, rep.opinion, False, lang)
            out.blank()
            continue
        if rep.identity is not None:
            _identity(out, rep.identity, lang)
        active = [f for f in rep.findings if f.suppressed is None]
        suppressed = [(f, f.suppressed) for f in rep.findings if f.suppressed is not None]
        for sev in ("error", "warning", "info"):
            group = [f for f in active if f.severity == sev]
            if not group:
                continue
            out.line(("  ", None), (_("out.group", title=_(SEVERITY_TITLE_ID[sev]), n=len(group)), STYLE[sev]))
            for f in group:
                _finding(out, f, verbose, lang)
        if suppressed:
            out.line(("  ", None), (_("out.group", title=_("out.suppressed"), n=len(suppressed)), "dim"))
            for f, sup in suppressed:
                out.line((f"    {f.rule} {f.message} — {state_word(f, lang)}: {sup.reason}", "dim"), hang=6)
        cov = rep.coverage
        line = counts_phrase(rep.counts, lang)
        if cov is not None:
            line = _("out.counts-checked", counts=line, coverage=coverage_phrase(cov, lang))
        out.line((f"  {line}", None), hang=4)
        _opinion(out, rep.opinion, verbose, lang)
        out.blank()
    return buf.getvalue()


VERDICT_STYLE = {"clean": "bold green", "immaterial": "bold yellow", "material": "bold red",
                 "not-verifiable": "bold magenta", "nonconformity": "bold red"}


def _opinion(out: _Out, op, verbose: bool, lang: str) -> None:
    """The verdict last: what decides it, then (verbose) the working and the checklist items that failed."""
    if op is None:
        return
    _ = tr(lang)
    out.line((f"  {_('out.verdict')}", "bold"), (verdict_text(op.verdict, lang), VERDICT_STYLE.get(op.verdict)),
             (f" ({op.verdict})", None), hang=4)
    out.line((f"    {op.reason}", None), hang=6)
    if not verbose:
        return
    for step in op.steps:
        out.line((f"    · {step}", "dim"), hang=8)
    marks = [f"{checklist_item(c.item, lang)} {checklist_status(c.status, lang)}" for c in op.checklist
             if c.status != "not-run"]
    if marks:
        out.line((f"    {_('out.checklist-line', items=i18n.J(marks, 'list'))}", "dim"), hang=8)


def _field(label: str, value: str | None, lang: str) -> list[Seg]:
    return [(f"{label} ", "dim"), (value, None) if value else (i18n.t("out.missing", lang), "dim italic")]


def identity_total(ident: ReportIdentity, lang: str = i18n.DEFAULT_LANG) -> str:
    """'94.4311 kgCO2e (stages add up to 94.4311: agrees)', 'missing', or the stated total alone."""
    unit = f" {ident.total_unit}" if ident.total_unit else ""
    if ident.total is None:
        return i18n.t("out.missing", lang)
    out = f"{ident.total}{unit}"
    if ident.total_recomputed is not None:
        out += i18n.t("out.stages-add-up", lang, value=ident.total_recomputed,
                      verdict=i18n.t(AGREES_ID[ident.total_agrees], lang))
    return out


def _identity(out: _Out, ident: ReportIdentity, lang: str) -> None:
    _ = tr(lang)
    sep = (_("sep.semicolon"), "dim")
    out.line(("  ", None), *_field(_("out.f.report-number"), ident.report_number, lang), sep,
             *_field(_("out.f.company"), ident.company, lang), hang=4)
    out.line(("  ", None), *_field(_("out.f.product"), ident.product, lang), sep,
             *_field(_("out.f.model"), ident.model, lang), hang=4)
    out.line(("  ", None), *_field(_("out.f.issuer"), ident.issuer, lang), sep,
             *_field(_("out.f.issued"), ident.issue_date, lang), hang=4)
    total = identity_total(ident, lang)
    style = "bold red" if ident.total_agrees is False else None
    out.line(("  ", None), (f"{_('out.f.stated-total')} ", "dim"), (total, style if ident.total else "dim italic"),
             hang=4)


def _finding(out: _Out, f: Finding, verbose: bool, lang: str) -> None:
    _ = tr(lang)
    where = _where(f, lang)
    out.line(("    ", None), (f.rule, STYLE[f.severity]), (" ", None), (f.name, "dim"),
             (f"  {where}" if where else "", None), hang=6)
    out.line((f"      {f.message}", None))
    d = f.detail
    if d and (d.stated or d.computed):
        line = "      " + _("out.stated", value=d.stated or "-")
        if d.computed:
            line += "  " + _("out.expected", value=d.computed)
        if d.stated_interval and d.computed_interval:
            line += "  " + _("out.intervals", stated=f"{d.stated_interval[0]}..{d.stated_interval[1]}",
                             computed=f"{d.computed_interval[0]}..{d.computed_interval[1]}")
        out.line((line, "dim"))
    elif f.expected:
        out.line(("      " + _("out.expected", value=f.expected), "dim"))
    if f.cause and f.cause not in f.message:
        out.line(("      ", None), (_("out.likely-cause"), "italic"), (f.cause, None))
    if verbose and d and d.steps:
        for s in d.steps:
            out.line((f"        · {s}", "dim"), hang=10)
