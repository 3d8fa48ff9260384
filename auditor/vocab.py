"""The words the parser knows, loaded from data/vocab.toml, and fuzzy matching against them."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process

from . import regexes as regex
from .numbers import fold
from .startup import toml_file

AMBIGUOUS_TRANSPORT = "transport?"


@dataclass(frozen=True)
class Vocab:
    stage_terms: dict[str, list[str]]        # canonical -> normalised terms
    stage_labels: dict[str, dict[str, str]]
    stage_order: list[str]
    ambiguous_transport: list[str]
    total_rows: list[str]
    subtotal_rows: list[str]
    claims: dict[str, dict]
    headers: dict[str, list[str]]
    transport_of: dict[str, list[str]]
    cover_fields: dict[str, str]             # metadata field -> label pattern (cover pages, running text)
    key_value_fields: dict[str, str]         # metadata field -> label pattern (first cell of a two-column table)


SPACES = regex.compile(r"\s+")


@lru_cache(maxsize=65536)
def norm(text: str) -> str:
    """Fold, lower-case, drop spaces, unify brackets; used on both sides of every match (cached: the same
    vocabulary and reference names are normalised thousands of times per report)."""
    t = fold(text).lower()
    t = SPACES.sub("", t)
    t = t.replace("（", "(").replace("）", ")").replace("：", ":")
    return t


def strip_stage_suffix(t: str) -> str:
    t = regex.sub(r"(等)?(阶段|环节|过程|stage|phase)$", "", t)
    return t.rstrip("等")


@lru_cache(maxsize=1)
def vocab() -> Vocab:
    data = toml_file(Path(__file__).resolve().parent / "data" / "vocab.toml", "vocab")
    stages = data["stages"]
    return Vocab(
        stage_terms={k: [strip_stage_suffix(norm(t)) for t in v["terms"]] for k, v in stages.items()},
        stage_labels={k: v["label"] for k, v in stages.items()},
        stage_order=list(stages),
        ambiguous_transport=[strip_stage_suffix(norm(t)) for t in data["ambiguous"]["transport"]],
        total_rows=[norm(t) for t in data["rows"]["total"]],
        subtotal_rows=[norm(t) for t in data["rows"]["subtotal"]],
        claims=data["claims"],
        headers={k: [norm(t) for t in v] for k, v in data["headers"].items()},
        transport_of={k: [strip_stage_suffix(norm(t)) for t in v] for k, v in data.get("transport_of", {}).items()},
        cover_fields=dict(data["fields"]["cover"]),
        key_value_fields=dict(data["fields"]["key_value"]),
    )


def stage_label(canonical: str | None, lang: str = "zh") -> str:
    if canonical is None:
        return "?"
    return vocab().stage_labels.get(canonical, {}).get(lang, canonical)


@lru_cache(maxsize=4096)
def match_stage(name: str, min_score: float = 78) -> tuple[str | None, float]:
    """Map a printed stage name to a canonical stage id.

    Tries the whole name, then the text inside and outside brackets
    ("运输（原材料运输）" -> 原材料运输). Returns (canonical or AMBIGUOUS_TRANSPORT or None, score).
    """
    v = vocab()
    full = strip_stage_suffix(norm(name))
    if not full:
        return None, 0.0
    candidates = [full]
    m = regex.match(r"^(.*?)\((.*?)\)(.*)$", full)
    if m:
        inner = strip_stage_suffix(m.group(2))
        outer = strip_stage_suffix(m.group(1) + m.group(3))
        candidates += [inner, outer]
    hits = [(AMBIGUOUS_TRANSPORT, 100.0) if c in v.ambiguous_transport else _best_stage(c) for c in candidates if c]
    if m and len(hits) == 3 and hits[2][0] == AMBIGUOUS_TRANSPORT and hits[0][1] < 100:
        # "运输（原材料）", "Transport (finished goods)": transport of what the brackets name
        carried = strip_stage_suffix(m.group(2))
        stage = next((s for s, terms in v.transport_of.items() if carried in terms), None)
        if stage is not None:
            hits[1] = (stage, 100.0)
    specific = [h for h in hits if h[0] not in (None, AMBIGUOUS_TRANSPORT)]
    if specific:
        best = max(specific, key=lambda h: h[1])
    elif any(h[0] == AMBIGUOUS_TRANSPORT for h in hits):
        best = (AMBIGUOUS_TRANSPORT, 100.0)
    else:
        best = (None, max((h[1] for h in hits), default=0.0))
    if best[1] < min_score:
        return None, best[1]
    return best


def _best_stage(cand: str) -> tuple[str | None, float]:
    v = vocab()
    for stage, terms in v.stage_terms.items():
        if cand in terms:
            return stage, 100.0
    choices = [(stage, t) for stage, terms in v.stage_terms.items() for t in terms]
    res = process.extractOne(cand, [t for _, t in choices], scorer=fuzz.ratio)
    if res is None:
        return None, 0.0
    _, score, idx = res
    return choices[idx][0], float(score)


def resolve_order(canonicals: list[str | None]) -> list[str | None]:
    """Resolve a bare 运输/transport by its position in an ordered stage list."""
    order = vocab().stage_order
    out = list(canonicals)
    for i, c in enumerate(out):
        if c != AMBIGUOUS_TRANSPORT:
            continue
        before = [x for x in out[:i] if x and x != AMBIGUOUS_TRANSPORT]
        after = [x for x in out[i + 1:] if x and x != AMBIGUOUS_TRANSPORT]
        prod = order.index("production")
        if any(order.index(x) >= prod for x in before):
            out[i] = "distribution"
        elif before or any(order.index(x) >= prod for x in after):
            out[i] = "raw_material_transport"
        else:
            out[i] = None
    return out


def match_claim(text: str) -> str | None:
    t = norm(text)
    for kind, c in vocab().claims.items():
        if any(norm(term) in t for term in c["terms"]):
            return kind
    return None


def claim_terms() -> list[tuple[str, str]]:
    return [(term, kind) for kind, c in vocab().claims.items() for term in c["terms"]]


def header_role(text: str, min_score: float = 80) -> tuple[str | None, float]:
    """Which column role a header cell plays, by meaning. Units in brackets are ignored."""
    t = norm(text)
    t_nounit = regex.sub(r"[(\[（].*?[)\]）]", "", t).strip("/") or t
    best: tuple[str | None, float] = (None, 0.0)
    for role, terms in vocab().headers.items():
        for term in terms:
            if t_nounit == term:
                score = 100.0 + len(term)
            elif len(term) >= 2 and term in t_nounit:
                # containment, weighted by how much of the header the term explains
                score = 85.0 + 15.0 * len(term) / max(len(t_nounit), 1)
            else:
                score = fuzz.ratio(t_nounit, term)
            if score > best[1]:
                best = (role, score)
    if best[1] < min_score and "%" in t:
        return "percent", float(min_score)   # a column headed by % holds percentages, whatever the words say
    return best if best[1] >= min_score else (None, best[1])


def is_total_row(text: str) -> bool:
    t = norm(text)
    return t in vocab().total_rows or any(t.startswith(x) for x in vocab().total_rows if len(x) >= 2)


def is_subtotal_row(text: str) -> bool:
    t = norm(text)
    return any(x in t for x in vocab().subtotal_rows)


def stage_in(text: str) -> tuple[str, str] | None:
    """The longest stage term a text contains ('工厂内的生产过程' -> production), as (canonical, term); for captions,
    headings and list items that wrap a stage name in other words. Short Latin terms do not count."""
    core = norm(text)
    best: tuple[int, str, str] | None = None
    for stage, terms in vocab().stage_terms.items():
        for term in terms:
            if len(term) < 2 or (term.isascii() and len(term) < 4):
                continue
            if term in core and (best is None or len(term) > best[0]):
                best = (len(term), stage, term)
    return (best[1], best[2]) if best else None
