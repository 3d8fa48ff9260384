"""Loading the configuration (auditor.toml, or [tool.auditor] in pyproject.toml) and checking it against the
rules there are, so a typo fails early with its reason instead of silently doing nothing."""
from __future__ import annotations

from pathlib import Path

from .config import Config, ConfigError, plain_errors
from .reference import LibraryError, load_library
from .registry import registry
from .select import unknown_selectors


def find_config(start: Path | None = None) -> Path | None:
    """auditor.toml or a pyproject.toml with [tool.auditor], from start upwards."""
    d = (start or Path.cwd()).resolve()
    for folder in [d, *d.parents]:
        a = folder / "auditor.toml"
        if a.is_file():
            return a
        p = folder / "pyproject.toml"
        if p.is_file():
            text = p.read_text(encoding="utf-8")
            if "auditor" not in text:
                continue        # no [tool.auditor] without the word: not parsed (a big pyproject.toml takes ms)
            import tomllib  # (only when there is a file to read)

            try:
                if "auditor" in tomllib.loads(text).get("tool", {}):
                    return p
            except tomllib.TOMLDecodeError:
                pass
    return None


def load_config(path: Path | None = None, discover: bool = True) -> Config:
    if path is None and discover:
        path = find_config()
    if path is None:
        return Config()
    import tomllib

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


def check_config(cfg: Config) -> None:
    """Fail early, with the reason, on what would otherwise be silently ignored or crash later: a selector that
    names no rule, rule settings the rule does not accept, a factor file that cannot be read."""
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
