"""Text for people: per report, findings grouped by severity, each with stated vs expected, page and reason."""
from __future__ import annotations

import io

from rich.console import Console
from rich.markup import escape

from ..model import AuditOutput, Finding

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
TITLE = {"error": "Errors", "warning": "Warnings", "info": "Info"}


def _where(f: Finding) -> str:
    if f.location is None:
        return ""
    return f"p.{f.location.page}"


def render(output: AuditOutput, color: bool = False, width: int = 110, verbose: bool = True, **options) -> str:
    buf = io.StringIO()
    con = Console(file=buf, force_terminal=color, color_system="auto" if color else None, width=width,
                  highlight=False, soft_wrap=False)
    for rep in output.reports:
        con.print(f"[bold]{escape(rep.path)}[/bold]")
        if rep.status == "error":
            con.print(f"  [bold red]could not be audited[/bold red] ({rep.error.code}): {escape(rep.error.message)}")
            con.print()
            continue
        active = [f for f in rep.findings if f.suppressed is None]
        suppressed = [f for f in rep.findings if f.suppressed is not None]
        for sev in ("error", "warning", "info"):
            group = [f for f in active if f.severity == sev]
            if not group:
                continue
            con.print(f"  [{STYLE[sev]}]{TITLE[sev]} ({len(group)})[/{STYLE[sev]}]")
            for f in group:
                _finding(con, f, verbose)
        if suppressed:
            con.print(f"  [dim]Suppressed ({len(suppressed)})[/dim]")
            for f in suppressed:
                con.print(f"    [dim]{f.rule} {escape(f.message)} — {f.suppressed.kind}: {escape(f.suppressed.reason)}[/dim]")
        c = rep.counts
        cov = rep.coverage
        reach = ""
        if cov is not None:
            reach = (f"; checked {cov.inventory_stages} stages / {cov.inventory_lines} lines, {cov.results_rows} results "
                     f"rows, {cov.quoted_values} quoted values, {cov.declarations} boundary lists, "
                     f"{cov.factor_tables} factor tables on {cov.pages} pages")
        def n(k, word):
            v = c.get(k, 0)
            return f"{v} {word}{'' if v == 1 or word == 'info' else 's'}"

        con.print(f"  {n('error', 'error')}, {n('warning', 'warning')}, {n('info', 'info')}{reach}")
        con.print()
    return buf.getvalue()


def _finding(con: Console, f: Finding, verbose: bool) -> None:
    where = _where(f)
    con.print(f"    [{STYLE[f.severity]}]{f.rule}[/{STYLE[f.severity]}] [dim]{f.name}[/dim]"
              f"{'  ' + where if where else ''}")
    con.print(f"      {escape(f.message)}")
    d = f.detail
    if d and (d.stated or d.computed):
        line = f"      stated {escape(d.stated or '-')}"
        if d.computed:
            line += f"  expected {escape(d.computed)}"
        if d.stated_interval and d.computed_interval:
            line += f"  (intervals {d.stated_interval[0]}..{d.stated_interval[1]} vs {d.computed_interval[0]}.." \
                    f"{d.computed_interval[1]})"
        con.print(f"[dim]{line}[/dim]")
    elif f.expected:
        con.print(f"[dim]      expected {escape(f.expected)}[/dim]")
    if f.cause and f.cause not in f.message:
        con.print(f"      [italic]likely cause:[/italic] {escape(f.cause)}")
    if verbose and d and d.steps:
        for s in d.steps:
            con.print(f"[dim]        · {escape(s)}[/dim]")
