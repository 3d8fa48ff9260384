"""From findings to a verification opinion: the misstatements quantified and combined, the coverage, the
nonconformities, the checklist, and one verdict with its working.

The verdicts, gravest first (the first that applies decides):

* nonconformity: an unsuppressed error of a rule marked `nonconformity` (a cradle-to-grave claim with no use
  stage): no arithmetic repairs it;
* material: the quantified misstatements add up to more than the materiality threshold of the stated total;
* not-verifiable: the report could not be checked: it could not be read, nothing in it can be recomputed, the
  recomputed share of the stated total is below the coverage limit, or scanned pages stayed unread;
* immaterial: discrepancies (errors) remain, but the quantified misstatements stay within the threshold;
* clean: no error at all.

A misstatement is a stated value beside the value the report's own numbers give (a line, a stage, the total, a
quoted value, a table cell, the per-unit footprint), when the rule's likely cause does not put the gap on an
input instead (a factor printed per GJ while the printed emissions used the per-kg factor: the emissions are
right, the footprint is not misstated, the error is reported as unquantified). Two findings whose gaps have the
same size and that concern the same stage (or the total) are one slip seen from two sides and count once.
Misstatements add up by absolute value: an overstatement does not offset an understatement.
"""
from __future__ import annotations

from decimal import Decimal

from ..i18n import J, Msg, P, T, recorded
from ..model import (
    SEVERITY_RANK,
    ChecklistItem,
    Finding,
    Misstatement,
    Opinion,
    Quantity,
    Report,
    StageSummary,
)
from ..numbers import parse_number
from ..units import emission_unit
from .base import CHECKLIST
from .config import Config
from .facts import PER_UNIT, mass_ratio, per_unit_quotes

# rule -> the level of the value its findings compare (stated vs computed)
QUANTIFIED = {"ARI001": "line", "ARI002": "stage", "ARI003": "total", "ARI004": "quote", "ARI006": "table",
              "ARI007": "table", "ARI008": "per-unit"}
LEVEL_ORDER = {"line": 0, "table": 1, "stage": 2, "quote": 3, "per-unit": 4, "total": 5}
GATE_FAILS = {"material", "nonconformity", "not-verifiable"}   # the verdicts `--fail-on material` fails
DIRECTION = {"overstated": "opinion.overstated", "understated": "opinion.understated"}


def _num(text: str | None) -> Decimal | None:
    p = parse_number(text) if text else None
    return p.value if p is not None else None


def _places(text: str) -> int:
    p = parse_number(text)
    return p.decimals if p is not None else 0


def _per(unit: str | None) -> str | None:
    """The 'per' part of an emissions unit ('' for kgCO2e, 't' for tCO2e/t); None when it is no emissions unit."""
    if not unit:
        return None
    head, _, per = unit.partition("/")
    eu = emission_unit(head)
    return per.strip() if eu is not None and eu.mass in ("g", "kg", "t") else None


def _fmt(value: Decimal, places: int) -> str:
    q = Decimal(1).scaleb(-places)
    return str(value.quantize(q))


def stated_total(report: Report) -> Quantity | None:
    """The footprint the shares are taken of: the results total, else the inventory total, else a quoted total."""
    if report.results and report.results.total is not None:
        return report.results.total
    if report.inventory and report.inventory.total is not None:
        return report.inventory.total
    ids = per_unit_quotes(report)
    for q in report.quotes:
        if q.stage is None and id(q) not in ids:
            return q.value
    return None


def _per_unit_footprint(report: Report) -> Quantity | None:
    ids = per_unit_quotes(report)
    return next((q.value for q in report.quotes if id(q) in ids), None)


def _base_for(unit: str | None, report: Report, level: str) -> Quantity | None:
    """The stated total a misstatement in `unit` is a share of: the total in a compatible unit (the per-unit
    footprint for a per-unit value)."""
    candidates = []
    total = stated_total(report)
    per_unit = _per_unit_footprint(report)
    if level == "per-unit":
        candidates = [per_unit, total]
    else:
        candidates = [total, per_unit]
    me = _per(unit)
    for c in candidates:
        if c is None or c.value == 0:
            continue
        them = _per(c.unit)
        if me is None or them is None:
            if unit is None or c.unit is None or unit == c.unit:
                return c
            continue
        if me == them:
            return c
    return None


def _convert(value: Decimal, unit: str | None, to: str | None) -> Decimal:
    return value * mass_ratio(unit, to)   # tCO2e -> kgCO2e x1000; unknown units unchanged


def misstatement_of(f: Finding, report: Report) -> Misstatement | None:
    """The misstatement a finding quantifies, or None (not a quantifying rule, no numbers, or the cause puts the
    gap on an input of a value that is right)."""
    level = QUANTIFIED.get(f.rule)
    d = f.detail
    if level is None or d is None or d.culprit == "input":
        return None
    stated, expected = _num(d.stated), _num(d.computed)
    if stated is None or expected is None or stated == expected:
        return None
    unit = d.unit
    if level in ("quote", "per-unit") and unit is not None and _per(unit) is None:
        return None   # a mass, a percentage: no emissions value is misstated by it
    if level == "table" and _per(unit) is None:
        return None   # a t·km, a mass, a consumption, a cell of no known unit: not an emissions value
    stage = f.stage
    if stage == PER_UNIT:          # a quoted per-unit footprint (annual reports): the per-unit value, not a stage
        level, stage = "per-unit", None
    places = max(_places(d.stated or ""), _places(d.computed or ""))
    diff = stated - expected
    base = _base_for(unit, report, level)
    if unit is None and base is not None:
        unit = base.unit
    share = None
    if base is not None and base.value:
        share = float(abs(_convert(diff, unit, base.unit)) / abs(base.value))
    what = _what(f)
    shown = d.computed or ""
    if "," in (d.stated or "") and "," not in shown and (e := _num(shown)) is not None:
        shown = f"{e:,.{max(_places(shown), 0)}f}"   # 1071.02 as the report prints it: 1,071.02
    return Misstatement(what=what, level=level, stage=stage, stated=d.stated or "", expected=shown,
                        difference=_fmt(diff, places), unit=unit,
                        direction="overstated" if diff > 0 else "understated",
                        base=f"{base.text} {base.unit or ''}".strip() if base is not None else None,
                        share=share, rules=[f.rule], fingerprints=[f.fingerprint] if f.fingerprint else [],
                        location=f.location)


def _same_slip(a: Misstatement, b: Misstatement) -> bool:
    """One slip seen from two sides: gaps of the same size (within a unit in the last printed place of either)
    that concern the same stage, or one of them the total."""
    if a.level == b.level and a.level in ("line", "table", "stage") and (a.stage == b.stage or a.stage is None):
        return False   # two lines (cells, stages) printed wrong by the same amount are two slips
    if {a.level, b.level} & {"per-unit"} and a.level != b.level:
        # a per-unit footprint computed from a misstated total fails by the same share: one slip
        other = b if a.level == "per-unit" else a
        per = a if a.level == "per-unit" else b
        if other.level not in ("total", "table", "quote") or other.stage is not None or \
                per.share is None or other.share is None:
            return False
        tol = max(_ulp_share(per), _ulp_share(other))
        return abs(per.share - other.share) <= tol
    da, db = _num(a.difference), _num(b.difference)
    if da is None or db is None:
        return False
    da, db = abs(_convert(da, a.unit, "kgCO2e")), abs(_convert(db, b.unit, "kgCO2e"))
    ulp = max(_convert(Decimal(1).scaleb(-_places(m.stated)), m.unit, "kgCO2e") for m in (a, b))
    if abs(da - db) > ulp:
        return False
    if a.level == "per-unit" or b.level == "per-unit":   # the per-unit footprint, computed or quoted
        return a.stage is None and b.stage is None and a.unit == b.unit
    return a.stage == b.stage or a.level == "total" or b.level == "total" or a.stage is None or b.stage is None


def _ulp_share(m: Misstatement) -> float:
    """One unit in the last printed place of the stated value, as a share of the base."""
    base = _num(m.base.split()[0]) if m.base else None
    if not base:
        return 0.0
    return float(Decimal(1).scaleb(-_places(m.stated)) / abs(base)) * 2


def combine(items: list[Misstatement], culprits: list[str | None] | None = None) -> list[Misstatement]:
    """Each slip once. The misstatement that stands for a group is a line's (the root of what it is carried into),
    else one whose rule blames the stated value itself (a quote that disagrees with every other place), else the
    lowest-level one; it keeps the others' rules and prints."""
    out: list[Misstatement] = []
    blame = culprits or [None] * len(items)
    # a line that does not multiply out is the root of whatever it is carried into; among the rest, the value a
    # rule blames itself (the odd one out of the places that quote it), then the lowest level
    order = sorted(range(len(items)), key=lambda i: (items[i].level != "line", blame[i] != "value",
                                                     LEVEL_ORDER[items[i].level]))
    for m in (items[i] for i in order):
        twin = next((o for o in out if _same_slip(o, m)), None)
        if twin is None:
            out.append(m.model_copy(deep=True))
            continue
        twin.rules += [r for r in m.rules if r not in twin.rules]
        twin.fingerprints += [fp for fp in m.fingerprints if fp not in twin.fingerprints]
    return out


def coverage_share(report: Report, stages: list[StageSummary] | None) -> float | None:
    """Share of the stated total rebuilt from activity data x factors: the stated values of the stages whose
    lines all have both, over the stated total (the stated stages' sum when no total is printed)."""
    if not stages:
        return None
    rebuilt = Decimal(0)
    all_stated = Decimal(0)
    for s in stages:
        v = _num(s.stated) if s.stated else _num(s.recomputed)
        if v is None:
            continue
        all_stated += abs(v)
        if s.recomputed is not None:
            rebuilt += abs(v)
    total = stated_total(report)
    base = abs(total.value) if total is not None and total.value else all_stated
    if total is not None and stages and _per(stages[0].unit) is not None and \
            _per(stages[0].unit) == _per(total.unit):
        base = abs(_convert(base, total.unit, stages[0].unit))
    if not base:
        return None
    return min(1.0, float(rebuilt / base))


# which parameters of a quantifying rule's message name the misstated value ('原材料获取 / 天然气', 'the summary')
WHAT = {"ARI001.mismatch": ("stage", "item"), "ARI002.mismatch": ("stage",), "ARI003.mismatch": ("where",),
        "ARI004.mismatch": ("stage", "where"), "ARI004.mismatch-why": ("stage", "where")}


def _what(f: Finding) -> str:
    """What is misstated, in words: the parts of the finding's message that name the value."""
    keys = WHAT.get(f.message_id or "")
    if keys and all(k in f.params for k in keys):
        parts = [f.params[k] for k in keys]
        return T("opinion.what", subject=parts[0]) if len(parts) == 1 else \
            T("opinion.what-2", subject=parts[0], where=parts[1])
    if f.message_id and "table" in f.params:
        return T("opinion.what", subject=f.params["table"])
    return T("opinion.what-rule", rule=f.rule, name=f.name)


def _line(f: Finding) -> Msg:
    """'CODE: message' of a finding, in the reader's language."""
    return T("opinion.finding-line", code=f.rule, message=recorded(f))


def unread_pages(report: Report) -> list[int]:
    """Pages without a text layer that OCR did not read (OCR off or unavailable): every page is a text page or
    an OCR page otherwise."""
    cov = report.coverage
    missing = cov.pages - cov.text_pages - len(cov.ocr_pages)
    if missing <= 0:
        return []
    pages = sorted({n.location.page for n in report.notes if n.location is not None and n.code == "ocr-unavailable"})
    return pages or list(range(1, missing + 1))


def _about(item: str, report: Report) -> bool:
    """Whether the report holds anything the checklist item is about."""
    m, b = report.metadata, report.boundary
    lines = [ln for st in (report.inventory.stages if report.inventory else []) for ln in st.lines]
    if item == "cut-off":
        return b.cutoff is not None or any(r.excluded for r in b.table)
    if item == "allocation":
        a = report.allocation
        return a.method is not None or bool(a.factors) or a.output is not None or any(
            c.role == "output" for t in report.tables for c in t.columns)
    if item == "data-period":
        return m.data_period is not None or m.issue_date is not None
    if item == "functional-unit":
        return bool(m.functional_unit) or report.results is not None
    if item == "gases":
        return bool(m.gases) or m.gwp_report is not None or bool(m.gwp_values)
    if item == "electricity":
        e = report.electricity
        return e.vintage is not None or e.region is not None or bool(e.market_claims) or bool(report.factor_tables) \
            or any(ln.item and ("电" in ln.item or "electric" in ln.item.lower()) for ln in lines)
    if item == "boundary":
        return bool(b.claims or b.declarations or b.table)
    statement = getattr(report, "statement", None)
    return statement is not None and any(v for v in statement.model_dump().values())


def checklist(findings: list[Finding], config: Config, report: Report | None = None) -> list[ChecklistItem]:
    from .registry import registry
    from .select import selected

    items = []
    for item in CHECKLIST:
        rules = [c for c, r in registry().items() if r.checklist == item]
        ran = [c for c in rules if selected(c, registry()[c].name, registry()[c].category, config)]
        mine = [f for f in findings if f.rule in rules and f.suppressed is None]
        worst = max((SEVERITY_RANK[f.severity] for f in mine), default=-1)
        status = "not-run" if not ran else "fail" if worst == 2 else "warn" if worst == 1 else \
            "ok" if report is None or mine or _about(item, report) else "n/a"
        items.append(ChecklistItem(item=item, status=status, rules=rules,
                                   findings=[_line(f) for f in mine if f.severity != "info"]))
    return items


def pct(x: float) -> Msg:
    return P(x)


def opinion_of(report: Report, findings: list[Finding], config: Config,
               stages: list[StageSummary] | None) -> Opinion:
    """The verdict and its working for an audited report."""
    from .registry import registry

    settings = config.opinion
    active = [f for f in findings if f.suppressed is None]
    errors = [f for f in active if f.severity == "error"]
    nonconf = [f for f in errors if (r := registry().get(f.rule)) is not None and r.nonconformity]
    pairs = [(m, f.detail.culprit if f.detail else None) for f in errors
             if (m := misstatement_of(f, report)) is not None]
    raw = [m for m, _ in pairs]
    quantified_prints = {fp for m in raw for fp in m.fingerprints}
    misstatements = combine(raw, [c for _, c in pairs])
    unquantified = [_line(f) for f in errors if f.fingerprint not in quantified_prints and f not in nonconf]
    share = sum(m.share or 0.0 for m in misstatements)
    total = stated_total(report)
    # the aggregate in one unit only when every misstatement is a share of the same base (a per-unit cell and an
    # annual line are not added up in tCO2e: their shares are)
    bases = {m.base for m in misstatements}
    one_base = len(bases) == 1 and None not in bases
    base_text = next(iter(bases)) if one_base else (f"{total.text} {total.unit or ''}".strip() if total else None)
    units = {m.unit for m in misstatements}
    unit = (next(iter(units)) if len(units) == 1 and None not in units else
            base_text.split(" ", 1)[1] if one_base and base_text and " " in base_text else
            total.unit if total is not None else None)
    places = max([total.decimals if total is not None else 0] + [_places(m.stated) for m in misstatements])
    gross = sum((abs(_convert(_num(m.difference) or Decimal(0), m.unit, unit)) for m in misstatements), Decimal(0))
    net = sum((_convert(_num(m.difference) or Decimal(0), m.unit, unit) for m in misstatements), Decimal(0))
    cov = coverage_share(report, stages)
    unread = unread_pages(report)
    c = report.coverage
    numbers = c.table_numbers + c.prose_values
    low = c.ocr_low_confidence / numbers if c.ocr_pages and numbers else 0.0
    nothing = any(f.rule == "EXT001" and f.severity == "error" for f in active)
    steps: list[str] = []
    for m in misstatements:
        by = f"{m.difference.lstrip('-')} {m.unit}" if m.unit else m.difference.lstrip("-")
        steps.append(T("opinion.step-misstatement-share" if m.share is not None else "opinion.step-misstatement",
                       what=recorded(m, "what"), stated=m.stated, expected=m.expected, direction=T(DIRECTION[m.direction]),
                       by=by, share=pct(m.share or 0.0), base=m.base or "", rules=J(m.rules, "comma")))
    threshold = pct(settings.materiality)
    if misstatements and one_base:
        steps.append(T("opinion.step-aggregate", gross=f"{_fmt(gross, places)} {unit}" if unit else _fmt(gross, places),
                       share=pct(share), base=base_text or "", net=_fmt(net, places), threshold=threshold))
    elif misstatements:
        steps.append(T("opinion.step-aggregate-shares", share=pct(share), threshold=threshold))
    else:
        steps.append(T("opinion.step-none", threshold=threshold))
    if unquantified:
        steps.append(T("opinion.step-unquantified", n=len(unquantified)))
    steps.append(T("opinion.step-coverage", share=pct(cov), limit=pct(settings.min_coverage)) if cov is not None
                 else T("opinion.step-coverage-none"))
    if unread:
        steps.append(T("opinion.step-unread", pages=J([str(p) for p in unread], "comma")))
    if c.ocr_pages:
        steps.append(T("opinion.step-ocr", low=c.ocr_low_confidence, numbers=numbers, share=pct(low),
                       limit=pct(settings.max_low_confidence)))
    for f in nonconf:
        steps.append(T("opinion.step-nonconformity", line=_line(f)))

    material = share > settings.materiality
    why: Msg | None = None
    if nothing:
        why = T("opinion.why-nothing")
    elif unread:
        why = T("opinion.why-unread", n=len(unread))
    elif low > settings.max_low_confidence:
        why = T("opinion.why-ocr", share=pct(low), limit=pct(settings.max_low_confidence))
    elif not cov:
        why = T("opinion.why-no-stage")
    elif cov < settings.min_coverage:
        why = T("opinion.why-coverage", share=pct(cov), limit=pct(settings.min_coverage))
    n = len(misstatements)
    parts: list[Msg] = []
    if nonconf:
        verdict = "nonconformity"
        first = recorded(nonconf[0])
        parts.append(T("opinion.reason-nonconformity-more", message=first, n=len(nonconf) - 1) if len(nonconf) > 1
                     else T("opinion.reason-nonconformity", message=first))
        if material:
            parts.append(T("opinion.reason-also-material", share=pct(share)))
        elif misstatements:
            parts.append(T("opinion.reason-within-materiality", share=pct(share)))
    elif material:
        verdict = "material"
        parts.append(T("opinion.reason-material", n=n, share=pct(share), threshold=threshold))
    elif why:
        verdict = "not-verifiable"
        parts.append(T("opinion.reason-not-verifiable", why=why))
    elif errors:
        verdict = "immaterial"
        parts.append(T("opinion.reason-immaterial", n=n, share=pct(share), threshold=threshold) if misstatements
                     else T("opinion.reason-immaterial-none"))
        if unquantified:
            parts.append(T("opinion.reason-unquantified", n=len(unquantified)))
    else:
        verdict = "clean"
        parts.append(T("opinion.reason-clean"))
    if why and verdict in ("nonconformity", "material"):
        parts.append(T("opinion.reason-also-unverifiable", why=why))
    reason = parts[0] if len(parts) == 1 else J(parts, "semicolon")
    return Opinion(verdict=verdict, reason=reason, misstatements=misstatements,
                   total=total.text if total is not None else None, unit=unit,
                   aggregate=_fmt(gross, places) if misstatements and one_base else None,
                   net=_fmt(net, places) if misstatements and one_base else None, share=share,
                   threshold=settings.materiality, coverage=cov, coverage_limit=settings.min_coverage,
                   unreadable_pages=unread, nonconformities=[_line(f) for f in nonconf], unquantified=unquantified,
                   checklist=checklist(findings, config, report), steps=steps)


def not_verifiable(why: str, config: Config | None = None) -> Opinion:
    """The opinion on a file that could not be audited at all."""
    config = config or Config()
    return Opinion(verdict="not-verifiable", reason=T("opinion.reason-not-verifiable", why=why),
                   threshold=config.opinion.materiality, coverage_limit=config.opinion.min_coverage,
                   steps=[T("opinion.step-not-audited", why=why)])


def gate_fails(verdict: str | None) -> bool:
    """Whether `--fail-on material` fails a report with this verdict."""
    return verdict in GATE_FAILS
