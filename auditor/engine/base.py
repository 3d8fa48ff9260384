"""The rule contract: a rule is a subclass of :class:`Rule` with its metadata on the class, its settings typed
per rule, its docs in the docstring; :class:`Context` is what a rule may use besides the report.
"""
from __future__ import annotations

import hashlib
import inspect
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Any, ClassVar, Generic, Literal, TypeVar, get_args

from pydantic import BaseModel, ConfigDict

from ..i18n import DEFAULT_LANG, Msg, T, catalog
from ..model import Category, Detail, Finding, Location, Quantity, Report, Severity
from ..numbers import Interval
from .config import Config
from .reference import Library, load_library


class NoSettings(BaseModel):
    model_config = ConfigDict(defer_build=True)


S = TypeVar("S", bound=BaseModel)

# a rule's category is its family: the module it lives in (auditor.rules.arithmetic -> "arithmetic")
FAMILY_CATEGORY: dict[str, Category] = {"arithmetic": "arithmetic", "percentage": "percentage", "factor": "factor",
                                        "boundary": "boundary", "consistency": "consistency",
                                        "extraction": "extraction", "meta": "internal", "relations": "arithmetic",
                                        "allocation": "consistency", "electricity": "factor",
                                        "statement": "consistency", "gases": "consistency"}

# the items of a verifier's checklist (ISO 14067 / GB/T 24067 practice) a rule can check
Checklist = Literal["cut-off", "allocation", "data-period", "functional-unit", "gases", "electricity", "statement",
                    "boundary"]
CHECKLIST: tuple[str, ...] = get_args(Checklist)


class Rule(Generic[S]):
    """Base class. Subclasses set code, name, severity (and Settings, a pydantic model, when they take settings:
    `class MyRule(Rule[MySettings])` with `Settings = MySettings`) and implement check(). The category comes from
    the rule's family (its module) unless the class sets one."""

    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    category: ClassVar[Category] = "arithmetic"
    severity: ClassVar[Severity] = "error"
    Settings: ClassVar[type[BaseModel]] = NoSettings
    # the verifier's checklist item the rule checks (None: not a checklist rule)
    checklist: ClassVar[Checklist | None] = None
    # an unsuppressed error of this rule is a nonconformity with the standard: no arithmetic repairs it, and the
    # verification opinion says so whatever the misstatements add up to
    nonconformity: ClassVar[bool] = False
    settings: S

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        family = cls.__module__.rsplit(".", 1)[-1]
        if "category" not in cls.__dict__ and family in FAMILY_CATEGORY:
            cls.category = FAMILY_CATEGORY[family]

    def __init__(self, settings: S | None = None):
        self.settings = settings if settings is not None else self.Settings()  # type: ignore[assignment]

    def check(self, report: Report, ctx: Context) -> Iterable[Finding]:  # pragma: no cover - interface
        raise NotImplementedError

    def finding(self, message: str | Msg, *, values: list[str] | None = None, expected: str | None = None,
                evidence: list[str] | None = None, location: Location | None = None, stage: str | None = None,
                cause: str | Msg | None = None, detail: Detail | None = None, severity: Severity | None = None,
                category: Category | None = None) -> Finding:
        return Finding(rule=self.code, name=self.name, category=category or self.category,
                       severity=severity or self.severity, message=message, values=values or [], expected=expected,
                       evidence=evidence or [], location=location, stage=stage, cause=cause, detail=detail)

    # ---- documentation: the docstring in English, the catalogue's doc.CODE in other languages
    @classmethod
    def docs(cls, lang: str = DEFAULT_LANG) -> str:
        return rule_docs(cls.code, inspect.cleandoc(cls.__doc__ or ""), lang)

    @classmethod
    def summary(cls, lang: str = DEFAULT_LANG) -> str:
        return " ".join(cls.docs(lang).split("\n\n", 1)[0].split())

    @classmethod
    def describe(cls, lang: str = DEFAULT_LANG) -> dict[str, Any]:
        return {"code": cls.code, "name": cls.name, "category": cls.category, "severity": cls.severity,
                "summary": cls.summary(lang), "docs": cls.docs(lang), "checklist": cls.checklist,
                "nonconformity": cls.nonconformity,
                "settings": cls.Settings.model_json_schema().get("properties", {})}


def rule_docs(code: str, english: str, lang: str) -> str:
    """A rule's docs in `lang`: the catalogue's `doc.CODE`, else the English docstring."""
    if lang != DEFAULT_LANG:
        try:
            text = catalog(lang).get(f"doc.{code}")
        except KeyError:
            text = None
        if text:
            return inspect.cleandoc(text)
    return english


@dataclass
class Context:
    """What a rule may use besides the report: configuration, the reference library, interval helpers."""

    config: Config = field(default_factory=Config)
    library: Library = field(default_factory=load_library)
    memo: dict[Any, Any] = field(default_factory=dict, repr=False)   # what several rules derive once per audit

    def interval(self, q: Quantity) -> Interval:
        t = self.config.tolerance
        return Interval.printed(q.value, q.decimals, t.rounding, Decimal(str(t.abs_slack)), Decimal(str(t.rel_slack)))

    def agree(self, a: Quantity, b: Quantity) -> bool:
        """Two printed numbers can stand for the same exact value. Printed to the same decimals, that means equal:
        their intervals only touch at a tie point, which rounds to one of them, not both (81.9386 and 81.9387
        cannot be the same value). Printed to different decimals, or with slack configured, their intervals
        overlap."""
        t = self.config.tolerance
        if a.decimals == b.decimals and not t.abs_slack and not t.rel_slack:
            return a.value == b.value
        return self.interval(a).overlaps(self.interval(b))

    def fmt(self, value: Decimal, decimals: int) -> str:
        """A computed value as the report would have printed it, under the configured rounding mode."""
        from ..numbers import fmt

        mode = {"half-up": ROUND_HALF_UP, "half-even": ROUND_HALF_EVEN, "truncate": ROUND_DOWN}[
            self.config.tolerance.rounding]
        return fmt(value, decimals, mode)

    def tolerance_text(self) -> Msg:
        """The tolerance in words, for a finding's detail."""
        t = self.config.tolerance
        how = {"half-up": T("tolerance.half-up"), "half-even": T("tolerance.half-even"),
               "truncate": T("tolerance.truncate")}[t.rounding]
        if t.abs_slack or t.rel_slack:
            return T("tolerance.interval-slack", how=how, abs=str(t.abs_slack), rel=str(t.rel_slack))
        return T("tolerance.interval", how=how)

    def rule_settings(self, rule: type[Rule]) -> BaseModel:
        raw = self.config.rules.get(rule.code) or self.config.rules.get(rule.name) or {}
        return rule.Settings.model_validate(raw)


def fingerprint(f: Finding) -> str:
    """Content fingerprint: rule, values, evidence, stage; not positions (a PDF has no stable line numbers)."""
    key = "|".join([f.rule, f.stage or "", ",".join(sorted(f.values)), ",".join(sorted(f.evidence))])
    return hashlib.sha256(key.encode()).hexdigest()[:16]
