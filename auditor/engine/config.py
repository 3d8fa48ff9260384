"""The configuration model: `[tool.auditor]` in pyproject.toml or an auditor.toml, plus CLI flags on top
(loading and checking it against the rules: :mod:`auditor.engine.configure`)."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..model import new_dict, new_list
from ..read.guard import Limits


class Tolerance(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    rounding: Literal["half-up", "half-even", "truncate"] = Field(
        "half-up", description="how printed values were rounded: each printed value is the interval of exact values "
                               "that round to it")
    abs_slack: float = Field(0.0, ge=0, description="extra absolute slack added to every interval")
    rel_slack: float = Field(0.0, ge=0, description="extra relative slack (0.001 = 0.1%) added to every interval")


class Waiver(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    rule: str = Field(description="rule code or name")
    value: str | None = Field(None, description="waive only findings resting on this printed value")
    evidence: str | None = Field(None, description="waive only findings whose evidence contains this phrase")
    path: str | None = Field(None, description="waive only for reports whose path contains this")
    reason: str = Field(description="why the finding is accepted; required")


class OpinionSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    materiality: float = Field(0.05, gt=0, lt=1, description="misstatements above this share of the stated total "
                                                             "are material (ISO 14064-3 practice: commonly 5%)")
    min_coverage: float = Field(0.5, ge=0, le=1, description="a report whose recomputed share of the stated total "
                                                             "is below this is not verifiable")
    max_low_confidence: float = Field(0.25, ge=0, le=1, description="a scanned report with more than this share of "
                                                                    "its numbers read by OCR below the confidence "
                                                                    "threshold is not verifiable")


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    lang: str | None = Field(None, description="the language findings, the opinion and the outputs are written in "
                                              "(zh, en, or any language with a catalogue in auditor/locale); "
                                              "unset: the report's own language")
    select: list[str] = Field(default_factory=new_list, description="codes, code prefixes, names or categories to run")
    ignore: list[str] = Field(default_factory=new_list, description="codes, code prefixes, names or categories to skip")
    severity: dict[str, Literal["error", "warning", "info"]] = Field(default_factory=new_dict,
                                                                     description="severity per rule code or name")
    tolerance: Tolerance = Field(default_factory=Tolerance)
    factors: list[str] = Field(default_factory=new_list, description="extra factor library files (TOML)")
    rules: dict[str, dict[str, Any]] = Field(default_factory=new_dict, description="settings per rule code or name")
    waivers: list[Waiver] = Field(default_factory=new_list)
    fail_on: Literal["error", "warning", "info", "material", "never"] = Field(
        "error", description="the gate: a finding at or above this severity fails; 'material' fails a report "
                             "whose verdict is material misstatement, nonconformity or not verifiable")
    opinion: OpinionSettings = Field(default_factory=OpinionSettings, description="materiality and coverage limits "
                                                                                  "of the verification opinion")
    limits: Limits = Field(default_factory=Limits, description="what one input file may cost: pages, inflated "
                                                              "stream size, time")
    source: str | None = Field(None, description="the file this configuration came from")


class ConfigError(ValueError):
    pass


def plain_errors(e: Any) -> str:
    """A pydantic ValidationError as one plain sentence per setting: `fail_on: should be one of 'error', ...
    (got 'bad')`, without pydantic's type codes and links."""
    parts = []
    for err in e.errors():
        where = ".".join(str(x) for x in err.get("loc", ())) or "value"
        msg = str(err.get("msg", "invalid"))
        if err.get("type") == "extra_forbidden":
            msg = "not a known setting"
        else:
            msg = msg[0].lower() + msg[1:] if msg else msg
            msg = msg.replace("input should be", "should be").replace("Input should be", "should be")
            if "input" in err and not isinstance(err["input"], (dict, list)):
                msg += f" (got {err['input']!r})"
        parts.append(f"{where}: {msg}")
    return "; ".join(parts)
