"""Findings the engine itself makes: documented here so they have a code, a name and docs like every rule."""
from __future__ import annotations

from auditor.engine.base import Context, Rule
from auditor.model import Report


class RuleCrashed(Rule):
    """A rule crashed on this report; its checks were not done and the other rules still ran.

    Why: a crash must never read as a clean pass. The message names the rule and the exception; please report it.

    Fails:
        a rule raising an exception on an unexpected table shape
    Passes:
        every rule completes
    """

    code = "INT001"
    name = "rule-crashed"
    category = "internal"
    severity = "error"

    def check(self, report: Report, ctx: Context):
        return ()


class UnusedWaiver(Rule):
    """A waiver in the configuration matches no finding any more.

    Why: waivers outlive the defects they excused; a stale waiver could later hide a new finding with the same
    rule and value. Remove it.

    Fails:
        [[tool.auditor.waivers]] rule = "ARI004", value = "81.9886" on a report that now prints 81.9386
    Passes:
        every waiver matches at least one finding
    """

    code = "WAI001"
    name = "unused-waiver"
    category = "internal"
    severity = "warning"

    def check(self, report: Report, ctx: Context):
        return ()
