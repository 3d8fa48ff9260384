"""Everything a person reads, in the reader's language.

Rules and outputs never build sentences. They name a message in the catalogue and give its parameters::

    T("ARI004.mismatch", place=T("place.summary"), stage=S("raw_material_acquisition"), stated="81.9886", ...)

A :class:`Msg` is a ``str`` (its English text, so code and tests that read English keep working) that also keeps
its id and parameters; the report models record them (``message_id``/``params`` and ``texts``) so that any output
renders them again in any language (:func:`localize`). Parameters are printed text from the report (shown exactly
as printed), other messages (rendered in the same language), stage keys (:func:`S`, rendered from vocab.toml's
labels), lists (:func:`J`, joined the language's way), counts (ints, formatted and pluralised by the catalogue) and
shares (:func:`P`).

The catalogues are gettext ``.po`` files, one per language, in ``auditor/locale/`` (``en.po``, ``zh.po``; a third
language is a third file). A compiled ``.mo`` beside a ``.po`` is used when it was compiled from exactly that
``.po`` (its ``@source-sha1`` message says so; ``python -m auditor.i18n compile`` writes them); otherwise the ``.po``
is read with Babel. Numbers and lists are formatted with Babel's CLDR data.
"""
from __future__ import annotations

import gettext as _gettext
import hashlib
import io
import string
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

DEFAULT_LANG = "en"
SOURCE_HEADER = "@source-sha1"    # a message of every compiled .mo: the SHA-1 of the .po it was compiled from


class MissingMessage(KeyError):
    """A message id the catalogue of a language does not hold."""


class MissingParam(KeyError):
    """A placeholder of a message its parameters do not fill."""


# ---------------------------------------------------------------- messages


class Msg(str):
    """A catalogue message with its parameters; as a str, its English text."""

    id: str
    params: dict[str, Any]

    def __new__(cls, id: str, params: dict[str, Any]) -> Msg:
        self = str.__new__(cls, render_msg(id, params, DEFAULT_LANG))
        self.id, self.params = id, params
        return self

    def msg_json(self) -> dict[str, Any]:
        """{id, params}, with nested messages as {id, params} too: what the JSON output and the store keep."""
        return {"id": self.id, "params": {k: to_json(v) for k, v in self.params.items()}}

    def render(self, lang: str) -> str:
        return render_msg(self.id, self.params, lang)

    def __reduce__(self):   # pickled across worker processes with its id and parameters
        return (Msg, (self.id, self.params))


def T(id: str, /, **params: Any) -> Msg:
    """The catalogue message `id` with its parameters."""
    return Msg(id, params)


def revive(j: Any) -> Any:
    """A message's recorded {id, params} (a model's `message_id`/`params` or `texts`) as the Msg it was made from,
    nested messages too; anything else as it is."""
    if isinstance(j, dict) and isinstance(j.get("id"), str):
        return Msg(j["id"], {k: revive(v) for k, v in (j.get("params") or {}).items()})
    if isinstance(j, list):
        return [revive(x) for x in j]
    return j


def recorded(obj: Any, field: str = "message") -> Any:
    """The Msg behind a text field of a model that records its messages (auditor.model.Localized): a finding's,
    an error's or a note's message, or a field in its `texts`; the field's plain text when it was given none."""
    if field == "message" and getattr(obj, "message_id", None):
        return revive({"id": obj.message_id, "params": getattr(obj, "params", None) or {}})
    j = (getattr(obj, "texts", None) or {}).get(field)
    return revive(j) if isinstance(j, dict) else getattr(obj, field)


def J(items: Iterable[Any], how: str = "and") -> Msg:
    """A list joined the language's way: 'and' (a, b and c / a、b和c), 'or', 'list' (a, b / a、b: an enumeration
    of names), 'clauses' (a and b / a，b: clauses of one sentence), 'semicolon' (a; b / a；b), 'comma' (a, b /
    a，b), 'plus' (a + b), 'space', 'slash' (a/b)."""
    return Msg(f"@join.{how}", {"items": list(items)})


def S(canonical: str | None) -> Msg:
    """A life-cycle stage by its canonical key, rendered from vocab.toml's label in the reader's language (the total
    and the per-unit footprint from the catalogue)."""
    return Msg("@stage", {"key": canonical or ""})


def L(**forms: str) -> Msg:
    """A word a data file gives in several languages (L(en="diesel", zh="柴油")): the reader's, else English."""
    return Msg("@term", forms)


def P(share: float, digits: int | None = None) -> Msg:
    """A share (0.0005) as a percentage the language's way: 0.05%. Shares under 0.01% keep four decimals."""
    return Msg("@pct", {"value": share, **({"digits": digits} if digits is not None else {})})


def to_json(v: Any) -> Any:
    if isinstance(v, Msg):
        return v.msg_json()
    if isinstance(v, (list, tuple)):
        return [to_json(x) for x in v]
    if isinstance(v, dict):
        return {k: to_json(x) for k, x in v.items()}
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    return str(v)    # Decimal and the like: as the text it prints as


def msg_json(v: Any) -> Any:
    """The {id, params} of a message, a list of them for a list (None for an element that is plain text), else
    None: what a model records of a text field it was given."""
    if isinstance(v, Msg):
        return v.msg_json()
    if isinstance(v, (list, tuple)) and any(isinstance(x, Msg) for x in v):
        return [x.msg_json() if isinstance(x, Msg) else None for x in v]
    return None


# ---------------------------------------------------------------- catalogues


class Catalog:
    """One language's messages: singular ids to templates, plural ids to their forms, and the plural rule."""

    def __init__(self, lang: str, messages: dict[str, str], plurals: dict[str, list[str]], plural_expr: str):
        self.lang, self.messages, self.plurals, self.plural_expr = lang, messages, plurals, plural_expr
        self.plural_index = _gettext.c2py(plural_expr)

    def get(self, id: str) -> str | None:
        return self.messages.get(id)

    def nget(self, id: str, n: int) -> str | None:
        forms = self.plurals.get(id)
        if not forms:
            return None
        i = self.plural_index(n)
        return forms[i if i < len(forms) else -1]

    def ids(self) -> set[str]:
        return set(self.messages) | set(self.plurals)


def _locale_dir() -> Path:
    # the package's own folder (importlib.resources would import tempfile, shutil and random on every run)
    return Path(__file__).resolve().parent.parent / "locale"


def available() -> tuple[str, ...]:
    """The languages with a catalogue, e.g. ('en', 'zh')."""
    return tuple(sorted(p.name[:-3] for p in _locale_dir().iterdir() if p.name.endswith(".po")))


@lru_cache(maxsize=8)
def catalog(lang: str) -> Catalog:
    d = _locale_dir()
    po = d.joinpath(f"{lang}.po")
    if not po.is_file():
        raise MissingMessage(f"no catalogue for language {lang!r} (have: {', '.join(available())})")
    raw = po.read_bytes()
    digest = hashlib.sha1(raw).hexdigest()
    # the messages as a dict from the start-up cache, kept with the .po's SHA-1 (parsing the .mo is a few ms)
    from .. import startup

    key = f"catalog-{lang}-{startup.python_tag()}.pickle"
    kept = startup.load(key)
    if isinstance(kept, tuple) and len(kept) == 4 and kept[0] == digest:
        return Catalog(lang, kept[1], kept[2], kept[3])
    mo = d.joinpath(f"{lang}.mo")
    cat = _from_mo(lang, mo.read_bytes(), digest) if mo.is_file() else None
    if cat is None:
        cat = read_po(lang, raw)
    startup.store(key, (digest, cat.messages, cat.plurals, cat.plural_expr))
    return cat


def _from_mo(lang: str, data: bytes, source_sha1: str) -> Catalog | None:
    t = _gettext.GNUTranslations(io.BytesIO(data))
    if t._catalog.get(SOURCE_HEADER) != source_sha1:  # type: ignore[attr-defined]
        return None   # compiled from another version of the .po: read the .po itself
    messages: dict[str, str] = {}
    plurals: dict[str, dict[int, str]] = {}
    for key, value in t._catalog.items():  # type: ignore[attr-defined]  # the parsed .mo: {msgid: str}, {(msgid, i): str}
        if isinstance(key, tuple):
            plurals.setdefault(key[0], {})[key[1]] = value
        elif key and key != SOURCE_HEADER:
            messages[key] = value
    forms = t.info().get("plural-forms", "")
    expr = forms.split("plural=", 1)[1].strip().rstrip(";") if "plural=" in forms else "(n != 1)"
    return Catalog(lang, messages, {k: [v[i] for i in sorted(v)] for k, v in plurals.items()}, expr)


def read_po(lang: str, raw: bytes) -> Catalog:
    """A catalogue from the .po text (Babel's reader)."""
    from babel.messages.pofile import read_po as babel_read_po

    po = babel_read_po(io.BytesIO(raw), locale=None)
    messages: dict[str, str] = {}
    plurals: dict[str, list[str]] = {}
    for m in po:
        if not m.id:
            continue
        if isinstance(m.id, (tuple, list)):
            forms = [str(x or "") for x in m.string] if isinstance(m.string, (list, tuple)) else [str(m.string)]
            if any(forms):
                plurals[str(m.id[0])] = forms
        elif m.string:
            messages[str(m.id)] = str(m.string)
    expr = po.plural_expr or "(n != 1)"
    return Catalog(lang, messages, plurals, expr)


def compile_catalogs() -> list[str]:
    """Write every .po's .mo beside it, stamped with the .po's SHA-1 (development: `python -m auditor.i18n compile`)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po as babel_read_po

    written = []
    d = _locale_dir()
    for p in sorted(d.iterdir(), key=lambda p: p.name):
        if not p.name.endswith(".po"):
            continue
        raw = p.read_bytes()
        cat = babel_read_po(io.BytesIO(raw))
        cat.add(SOURCE_HEADER, hashlib.sha1(raw).hexdigest())   # which .po it was compiled from
        out = io.BytesIO()
        write_mo(out, cat, use_fuzzy=False)
        target = d.joinpath(p.name[:-3] + ".mo")
        with open(str(target), "wb") as fh:
            fh.write(out.getvalue())
        written.append(str(target))
    catalog.cache_clear()
    return written


# ---------------------------------------------------------------- rendering

SEPARATORS = {"semicolon": "sep.semicolon", "comma": "sep.comma", "plus": "sep.plus", "space": "sep.space",
              "slash": "sep.slash", "colon": "sep.colon", "list": "sep.list", "clauses": "sep.clauses"}
_FORMATTER = string.Formatter()


def template(id: str, lang: str, n: int | None = None) -> str:
    """The message's template in `lang`, falling back to English only when `lang` lacks it."""
    for code in (lang, DEFAULT_LANG) if lang != DEFAULT_LANG else (lang,):
        cat = catalog(code)
        text = cat.nget(id, n) if n is not None and id in cat.plurals else cat.get(id)
        if text is None and n is None and id in cat.plurals:
            text = cat.nget(id, 1)
        if text is not None:
            return text
    raise MissingMessage(f"{id!r} is not in the {lang} catalogue")


def render_msg(id: str, params: Mapping[str, Any], lang: str, strict: bool = False) -> str:
    if id.startswith("@"):
        return _special(id, params, lang, strict)
    n = params.get("n")
    tpl = template(id, lang, n if isinstance(n, int) and not isinstance(n, bool) else None)
    return fill(tpl, params, lang, strict, id)


@lru_cache(maxsize=4096)
def _parsed(tpl: str) -> tuple[tuple[str, str | None], ...]:
    """A template as (literal text, placeholder name or None) pairs, parsed once."""
    return tuple((literal, field) for literal, field, _spec, _conv in _FORMATTER.parse(tpl))


def fill(tpl: str, params: Mapping[str, Any], lang: str, strict: bool = False, id: str = "") -> str:
    out = []
    for literal, field in _parsed(tpl):
        out.append(literal)
        if field is None:
            continue
        if field not in params:
            if strict:
                raise MissingParam(f"{id}: {{{field}}} has no value")
            out.append("{" + field + "}")
            continue
        out.append(render(params[field], lang, strict))
    return "".join(out)


def render(value: Any, lang: str, strict: bool = False) -> str:
    """A parameter, a message or its {id, params} form, in `lang`."""
    if isinstance(value, Msg):
        if lang == DEFAULT_LANG and not strict:
            return value        # a message is its English text, rendered when it was made
        return render_msg(value.id, value.params, lang, strict)
    if isinstance(value, dict) and "id" in value:
        return render_msg(value["id"], value.get("params") or {}, lang, strict)
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return format_int(value, lang)
    if isinstance(value, (list, tuple)):
        return join([render(x, lang, strict) for x in value], "and", lang)
    if value is None:
        return ""
    return str(value)


def format_int(n: int, lang: str) -> str:
    if -1000 < n < 1000:
        return str(n)      # the same in every language the catalogue has: no grouping below a thousand
    from babel.numbers import format_decimal

    return format_decimal(n, locale=babel_locale(lang))


def format_pct(share: float, lang: str, digits: int | None = None) -> str:
    from babel.numbers import format_percent

    if digits is None:
        digits = 2 if share >= 0.0001 or share == 0 else 4
    pattern = "#,##0." + "0" * digits + "%" if digits else "#,##0%"
    return format_percent(share, pattern, locale=babel_locale(lang))


def babel_locale(lang: str) -> str:
    """Babel's locale for a catalogue language, its data ready (see :func:`_warm_babel`)."""
    name = {"zh": "zh_Hans_CN"}.get(lang, lang)
    if name not in _BABEL_READY:
        _BABEL_READY.add(name)
        _warm_babel(name)
    return name


_BABEL_READY: set[str] = set()


def _warm_babel(name: str) -> None:
    """Babel's data for a locale, from the start-up cache when it holds it.

    Babel reads a locale's data from a file per level (root, zh, zh_Hans, zh_Hans_CN) and merges them the first
    time a number or a list is formatted: all of CLDR's data for the locale (5.5 MB of objects for English and
    Chinese, month names to time zones) and about 30 ms of every run, for the three entries the messages use. The
    start-up cache (:mod:`auditor.startup`) keeps those entries (:data:`BABEL_KEYS`) per locale and Babel version,
    and they are put where Babel keeps what it has loaded (`babel.localedata._cache`), as a dict that loads the
    rest the Babel way the first time anything else is asked of it (:class:`_LocaleData`). Without the cache (or
    with a Babel that keeps its data elsewhere) Babel reads its files as usual."""
    from babel import __version__, localedata

    from .. import startup

    loaded = getattr(localedata, "_cache", None)
    if not isinstance(loaded, dict) or name in loaded or not localedata.exists(name):
        return
    key = f"babel-{__version__}-{name}-{startup.python_tag()}.pickle"
    kept = startup.load(key)
    if isinstance(kept, dict) and kept and set(kept) <= set(BABEL_KEYS):
        loaded[name] = _LocaleData(name, kept)
        return
    full = localedata.load(name)
    startup.store(key, {k: full[k] for k in BABEL_KEYS if k in full})


# what formatting the messages' numbers, percentages and lists reads of a locale's data
BABEL_KEYS = ("list_patterns", "number_symbols", "decimal_formats", "percent_formats", "default_numbering_system",
              "numbering_systems", "plural_form", "locale_id")


class _LocaleData(dict):
    """Part of a locale's data (Babel's `localedata.load` form); the first question about anything else makes it
    whole, Babel loading the rest as it always does."""

    def __init__(self, name: str, part: dict):
        super().__init__(part)
        self.name, self.whole = name, False

    def _complete(self) -> None:
        if self.whole:
            return
        from babel import localedata

        self.whole = True
        cache = localedata._cache
        if cache.get(self.name) is self:
            del cache[self.name]
        try:
            self.update(localedata.load(self.name))
        finally:
            cache[self.name] = self

    def __missing__(self, key: Any) -> Any:
        self._complete()
        return dict.__getitem__(self, key)

    def get(self, key: Any, default: Any = None) -> Any:
        if key not in self:
            self._complete()
        return dict.get(self, key, default)

    def __contains__(self, key: Any) -> bool:
        if not dict.__contains__(self, key):
            self._complete()
        return dict.__contains__(self, key)

    def __iter__(self):
        self._complete()
        return dict.__iter__(self)

    def __bool__(self) -> bool:     # (Babel's `load` asks whether it holds data: it does, and stays a part)
        return True

    def __len__(self) -> int:
        self._complete()
        return dict.__len__(self)

    def keys(self):
        self._complete()
        return dict.keys(self)

    def items(self):
        self._complete()
        return dict.items(self)

    def values(self):
        self._complete()
        return dict.values(self)

    def copy(self) -> dict:
        self._complete()
        return dict(dict.items(self))


def join(items: list[str], how: str, lang: str) -> str:
    if how in ("and", "or"):
        if not items:
            return ""
        if len(items) == 1:
            return items[0]
        return _format_list(tuple(map(str, items)), "standard" if how == "and" else "or", babel_locale(lang))
    return template(SEPARATORS[how], lang).join(items)


@lru_cache(maxsize=2048)
def _format_list(items: tuple[str, ...], style: Literal["standard", "or"], locale: str) -> str:
    """Babel's list of these items (the same lists recur in a report's messages: each is made once)."""
    from babel.lists import format_list

    return format_list(list(items), style=style, locale=locale)


def _special(id: str, params: Mapping[str, Any], lang: str, strict: bool) -> str:
    if id.startswith("@join."):
        return join([render(x, lang, strict) for x in params.get("items", [])], id[6:], lang)
    if id == "@stage":
        return stage_label(params.get("key") or "", lang)
    if id == "@term":
        return str(params.get(lang) or params.get(DEFAULT_LANG) or next(iter(params.values()), ""))
    if id == "@pct":
        return format_pct(float(params["value"]), lang, params.get("digits"))
    raise MissingMessage(f"unknown special message {id!r}")


SPECIAL_STAGES = {"total": "stage.total", "per_unit": "stage.per_unit", "": "stage.whole"}


def stage_label(key: str, lang: str) -> str:
    """A canonical stage's label in `lang` (vocab.toml), the total and the per-unit footprint from the catalogue."""
    if key in SPECIAL_STAGES:
        return template(SPECIAL_STAGES[key], lang)
    from ..vocab import vocab

    labels = vocab().stage_labels.get(key, {})
    return labels.get(lang) or labels.get(DEFAULT_LANG) or key.replace("_", " ")


def t(id: str, lang: str, /, **params: Any) -> str:
    """A message rendered at once (the outputs' own words)."""
    return render_msg(id, params, lang)


# ---------------------------------------------------------------- language of an output


def resolve(requested: str | None, report_language: str | None = None) -> str:
    """The language to render in: the one asked for (--lang, else the configuration's `lang`), else the reader's
    own default (the environment variable AUDITOR_LANG), else the report's own language, else English."""
    import os

    for lang in (requested, os.environ.get("AUDITOR_LANG"), report_language):
        if lang and lang in available():
            return lang
    return DEFAULT_LANG


def check_lang(lang: str) -> str:
    """`lang` when a catalogue exists for it; else ValueError naming the ones that do."""
    if lang not in available():
        raise ValueError(f"no catalogue for language {lang!r} (available: {', '.join(available())})")
    return lang


# ---------------------------------------------------------------- re-rendering a result


def localize(obj: Any, lang: str) -> Any:
    """Render every recorded message of a result (findings, their causes and working, the opinion, errors) in
    `lang`, in place; returns obj. Texts recorded without an id (plain text) stay as they are."""
    from pydantic import BaseModel

    if isinstance(obj, BaseModel):
        model: Any = obj
        mid = getattr(obj, "message_id", None)
        if mid:
            model.message = render_msg(mid, getattr(obj, "params", None) or {}, lang)
        texts = getattr(obj, "texts", None)
        if texts:
            for field, spec in texts.items():
                current = getattr(obj, field, None)
                if isinstance(spec, list):
                    if not isinstance(current, list):
                        continue
                    setattr(obj, field, [render(s, lang) if s is not None else c
                                         for s, c in zip(spec, current, strict=False)] + current[len(spec):])
                elif spec is not None:
                    setattr(obj, field, render(spec, lang))
        if hasattr(obj, "lang") and "lang" in type(obj).model_fields:
            model.lang = lang
        for name in type(obj).model_fields:
            if name in ("texts", "params"):
                continue
            v = getattr(obj, name)
            if isinstance(v, (BaseModel, list)):
                localize(v, lang)
    elif isinstance(obj, list):
        for x in obj:
            if isinstance(x, (list, BaseModel)):
                localize(x, lang)
    return obj
