"""Configuration: `[tool.auditor]` in pyproject.toml or an auditor.toml, plus CLI flags on top."""
from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .limits import Limits


class Tolerance(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rounding: Literal["half-up", "half-even", "truncate"] = Field(
        "half-up", description="how printed values were rounded: each printed value is the interval of exact values "
                               "that round to it")
    abs_slack: float = Field(0.0, ge=0, description="extra absolute slack added to every interval")
    rel_slack: float = Field(0.0, ge=0, description="extra relative slack (0.001 = 0.1%) added to every interval")


class Waiver(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rule: str = Field(description="rule code or name")
    value: str | None = Field(None, description="waive only findings resting on this printed value")
    evidence: str | None = Field(None, description="waive only findings whose evidence contains this phrase")
    path: str | None = Field(None, description="waive only for reports whose path contains this")
    reason: str = Field(description="why the finding is accepted; required")


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid")

    select: list[str] = Field(default_factory=list, description="codes, code prefixes, names or categories to run")
    ignore: list[str] = Field(default_factory=list, description="codes, code prefixes, names or categories to skip")
    severity: dict[str, Literal["error", "warning", "info"]] = Field(default_factory=dict,
                                                                     description="severity per rule code or name")
    tolerance: Tolerance = Field(default_factory=Tolerance)
    factors: list[str] = Field(default_factory=list, description="extra factor library files (TOML)")
    rules: dict[str, dict[str, Any]] = Field(default_factory=dict, description="settings per rule code or name")
    waivers: list[Waiver] = Field(default_factory=list)
    fail_on: Literal["error", "warning", "info", "never"] = "error"
    limits: Limits = Field(default_factory=Limits, description="what one input file may cost: pages, inflated "
                                                              "stream size, time")
    source: str | None = Field(None, description="the file this configuration came from")


def find_config(start: Path | None = None) -> Path | None:
    """auditor.toml or a pyproject.toml with [tool.auditor], from start upwards."""
    d = (start or Path.cwd()).resolve()
    for folder in [d, *d.parents]:
        a = folder / "auditor.toml"
        if a.is_file():
            return a
        p = folder / "pyproject.toml"
        if p.is_file():
            try:
                if "auditor" in tomllib.loads(p.read_text(encoding="utf-8")).get("tool", {}):
                    return p
            except tomllib.TOMLDecodeError:
                pass
    return None


def load_config(path: Path | None = None, discover: bool = True) -> Config:
    if path is None and discover:
        path = find_config()
    if path is None:
        return Config()
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path} is not valid TOML: {e}") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"cannot read {path}: {e}") from None
    if Path(path).name == "pyproject.toml":
        data = data.get("tool", {}).get("auditor", {})
    elif "tool" in data and "auditor" in data["tool"]:
        data = data["tool"]["auditor"]
    data = {k.replace("-", "_"): v for k, v in data.items()}
    for section in ("tolerance", "limits"):
        if isinstance(data.get(section), dict):
            data[section] = {k.replace("-", "_"): v for k, v in data[section].items()}
    base = Path(path).parent
    if "factors" in data:
        data["factors"] = [str((base / f).resolve()) for f in data["factors"]]
    from pydantic import ValidationError

    try:
        cfg = Config.model_validate(data)
    except ValidationError as e:
        raise ConfigError(f"{path}: {plain_errors(e)}") from None
    cfg.source = str(path)
    check_config(cfg)
    return cfg


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


def check_config(cfg: Config) -> None:
    """Fail early, with the reason, on what would otherwise be silently ignored or crash later: a selector that
    names no rule, rule settings the rule does not accept, a factor file that cannot be read."""
    from .engine import registry, unknown_selectors
    from .reference import LibraryError, load_library

    where = f" in {cfg.source}" if cfg.source else ""
    bad = unknown_selectors(cfg)
    if bad:
        raise ConfigError(f"no rule matches {', '.join(bad)}{where} (`auditor rules` lists codes, names and "
                          f"categories)")
    reg = registry()
    for key, settings in cfg.rules.items():
        rule = reg.get(key.upper()) or next((r for r in reg.values() if r.name == key), None)
        if rule is None:
            continue   # a prefix or category: reported above when it matches nothing
        unknown = set(settings) - set(rule.Settings.model_fields)
        if unknown:
            known = ", ".join(rule.Settings.model_fields) or "none"
            raise ConfigError(f"settings for {rule.code} ({rule.name}){where}: unknown {', '.join(sorted(unknown))} "
                              f"(known: {known})")
        from pydantic import ValidationError

        try:
            rule.Settings.model_validate(settings)
        except ValidationError as e:
            raise ConfigError(f"settings for {rule.code} ({rule.name}){where}: {plain_errors(e)}") from None
    try:
        load_library(cfg.factors)
    except LibraryError as e:
        raise ConfigError(f"factor library{where}: {e}") from None
