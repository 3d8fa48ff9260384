"""System boundary: the claim against the stages present, and every list of stages against the others."""
from __future__ import annotations

from decimal import Decimal

from auditor import regexes as regex
from auditor.engine.base import Context, Rule
from auditor.i18n import J, Msg, S, T
from auditor.model import BoundaryClaim, Report, StageRef
from auditor.numbers import find_numbers, fold
from auditor.vocab import norm, vocab

PLACES = {"cover": "place.cover", "summary": "place.summary", "boundary_section": "place.boundary-section",
          "boundary_table": "place.boundary-table", "notes": "place.cover-notes", "other": "place.other",
          "inventory": "place.inventory", "results": "place.results"}
CLAIMS = {"cradle-to-grave": "claim.cradle-to-grave", "cradle-to-gate": "claim.cradle-to-gate",
          "gate-to-gate": "claim.gate-to-gate", "gate-to-grave": "claim.gate-to-grave", "partial": "claim.partial"}


def place_name(place: str) -> Msg:
    """Where the report lists its stages ('the cover'), in the reader's language."""
    return T(PLACES.get(place, "place.other"))


def place_names(places) -> list[Msg]:
    """The places named, in the order of their English names (as the findings have always listed them)."""
    return sorted({place_name(p) for p in places})


def claim_name(kind: str) -> Msg | str:
    """A boundary claim ('cradle-to-grave', 摇篮到坟墓) in the reader's language."""
    return T(CLAIMS[kind]) if kind in CLAIMS else kind


def data_stages(report: Report) -> dict[str, list[StageRef]]:
    """Stages that carry numbers: inventory and results rows."""
    out: dict[str, list[StageRef]] = {}
    if report.inventory:
        for s in report.inventory.stages:
            if s.stage.canonical:
                out.setdefault(s.stage.canonical, []).append(s.stage)
    if report.results:
        for r in report.results.rows:
            if r.stage.canonical:
                out.setdefault(r.stage.canonical, []).append(r.stage)
    return out


def declared(report: Report) -> dict[str, list[tuple[str, StageRef, str]]]:
    out: dict[str, list[tuple[str, StageRef, str]]] = {}
    for d in report.boundary.declarations:
        for s in d.stages:
            if s.canonical:
                out.setdefault(s.canonical, []).append((d.place, s, d.text))
    return out


def effective_claims(report: Report) -> dict[str, list[BoundaryClaim]]:
    """The boundary claims by kind. Loose terms (全生命周期, which also occurs in "产品全生命周期的 GWP 值") count only
    when no explicit claim of another kind is made."""
    claims = vocab().claims
    strong: dict[str, list[BoundaryClaim]] = {}
    weak: dict[str, list[BoundaryClaim]] = {}
    for c in report.boundary.claims:
        loose = {norm(t) for t in claims.get(c.kind, {}).get("weak", [])}
        (weak if norm(c.text) in loose else strong).setdefault(c.kind, []).append(c)
    if not strong:
        return weak
    for kind, cs in weak.items():
        if kind in strong:
            strong[kind].extend(cs)
    return strong


class ClaimStages(Rule):
    """The boundary claim matches the stages reported: cradle-to-grave needs use and end-of-life stages,
    cradle-to-gate must not report them.

    Why: the claim tells the reader what the number covers. A "cradle-to-grave" footprint with no use stage
    leaves out what is often the largest part of an energy-using product's emissions.

    Fails:
        系统边界“摇篮到坟墓” ... stages: 原材料获取, 原材料运输, 生产, 成品运输, 产品处置
    Passes:
        系统边界“摇篮到坟墓” ... stages: 原材料获取, 原材料运输, 生产, 成品运输, 产品使用, 产品处置
    """

    code = "BND001"
    checklist = "boundary"
    nonconformity = True
    name = "claim-stage-missing"
    category = "boundary"
    severity = "error"

    def check(self, report: Report, ctx: Context):
        order = vocab().stage_order
        present = {s for s in (set(data_stages(report)) or set(declared(report))) if s in order}
        if not present:
            return
        kinds = effective_claims(report)
        for kind, claims in kinds.items():
            spec = vocab().claims.get(kind, {})
            missing = [s for s in spec.get("requires", []) if s not in present]
            extra = [s for s in spec.get("excludes", []) if s in present]
            texts = sorted({c.text for c in claims})
            if missing:
                yield self.finding(
                    T("BND001.stage-missing", claim=claim_name(kind), printed=J(texts, "slash"),
                      missing=J([S(s) for s in missing], "and"), n=len(missing),
                      present=J([S(s) for s in sorted(present, key=vocab().stage_order.index)], "and")),
                    evidence=texts, location=claims[0].location, stage=missing[0],
                    cause=T("BND001.claim-too-wide", claim=claim_name(kind)))
            if extra:
                yield self.finding(
                    T("BND001.stage-excluded", claim=claim_name(kind), printed=J(texts, "slash"),
                      extra=J([S(s) for s in extra], "and")),
                    evidence=texts, location=claims[0].location, stage=extra[0], severity="warning")


class StageListsAgree(Rule):
    """Every place that lists the stages (cover, summary, boundary section, boundary table, inventory, results)
    names the same set of stages that carry data.

    Why: when the summary lists a stage the results table lacks (or the other way round), one of them is stale;
    readers cannot tell which numbers the footprint includes.

    Fails:
        summary: 原辅料获取、原辅料运输、生产、成品运输、产品处置 ; results table adds 产品使用 (506.0652)
    Passes:
        every list and both tables name the same six stages
    """

    code = "BND002"
    checklist = "boundary"
    name = "stage-list-inconsistent"
    category = "boundary"
    severity = "warning"

    def check(self, report: Report, ctx: Context):
        data = data_stages(report)
        places: dict[str, set[str]] = {}
        for d in report.boundary.declarations:
            places.setdefault(d.place, set()).update(s.canonical for s in d.stages if s.canonical)
        if report.inventory and report.inventory.stages:
            places["inventory"] = {s.stage.canonical for s in report.inventory.stages if s.stage.canonical}
        if report.results and report.results.rows:
            places["results"] = {r.stage.canonical for r in report.results.rows if r.stage.canonical}
        if len(places) < 2:
            return
        # a stage the results table gives as 0 (无能源和物料消耗，排放为 0) has no inventory lines to list
        zero = {r.stage.canonical for r in (report.results.rows if report.results else []) if r.value.value == 0}
        for stage, refs in data.items():
            lacking = [p for p, s in places.items() if stage not in s and not (p == "inventory" and stage in zero)]
            if not lacking:
                continue
            having = [p for p in places if p not in lacking]
            yield self.finding(
                T("BND002.not-everywhere", name=refs[0].name, stage=S(stage),
                  having=J([place_name(p) for p in having], "and"), lacking=J([place_name(p) for p in lacking], "or")),
                evidence=sorted({r.name for r in refs}), location=refs[0].location, stage=stage)


class DeclaredWithoutData(Rule):
    """A stage declared inside the boundary has data: an inventory line or a results row.

    Why: a stage listed in the boundary but never quantified was either left out of the calculation or
    should not be claimed; readers will assume its emissions are included in the total.

    Fails:
        cover: 系统边界“摇篮到坟墓”：原料获取及加工、运输、生产制造、仓储、成品运输阶段、产品处置阶段 ; no 仓储 data
    Passes:
        cover: 原料获取及加工、原料运输、生产制造、成品运输、产品使用、产品处置阶段 ; each has data
    """

    code = "BND003"
    checklist = "boundary"
    name = "declared-stage-without-data"
    category = "boundary"
    severity = "warning"

    def check(self, report: Report, ctx: Context):
        data = data_stages(report)
        if not data:
            return
        decl = declared(report)
        all_places = {d.place for d in report.boundary.declarations}
        for stage, hits in decl.items():
            if stage in data:
                continue
            places = place_names({p for p, _, _ in hits})
            others = [p for p in place_names(all_places) if p not in places]
            names = sorted({s.name for _, s, _ in hits})
            if others:
                msg = T("BND003.no-data-not-listed", names=J(names, "slash"), stage=S(stage), places=J(places, "and"),
                        others=J(others, "and"), n=len(others))
            else:
                msg = T("BND003.no-data", names=J(names, "slash"), stage=S(stage), places=J(places, "and"))
            yield self.finding(msg, evidence=names + [hits[0][2]], location=hits[0][1].location, stage=stage)


class DataWithoutDeclaration(Rule):
    """A stage that carries data is declared inside the system boundary somewhere.

    Why: emissions from a stage the boundary never mentions were added silently, or the boundary description is
    out of date.

    Fails:
        boundary lists 原材料获取、生产、产品处置 ; inventory also has 仓储 (0.1200)
    Passes:
        boundary lists every stage that carries data
    """

    code = "BND004"
    checklist = "boundary"
    name = "data-stage-undeclared"
    category = "boundary"
    severity = "warning"

    def check(self, report: Report, ctx: Context):
        if not report.boundary.declarations:
            return
        decl = declared(report)
        for stage, refs in data_stages(report).items():
            if stage in decl:
                continue
            yield self.finding(
                T("BND004.undeclared", name=refs[0].name, stage=S(stage)),
                evidence=sorted({r.name for r in refs}), location=refs[0].location, stage=stage)


class ClaimConflict(Rule):
    """The report makes one boundary claim: not cradle-to-grave in one place and cradle-to-gate in another.

    Why: the claim says what the footprint covers; two different claims leave the reader unable to compare the
    number with anything. A partial CFP is compatible with cradle-to-gate and gate-to-gate (ISO 14067 calls
    those partial); a loose "全生命周期" yields to an explicit claim.

    Fails:
        cover: 系统边界“摇篮到坟墓” ; 3.2.2: 产品从“摇篮到大门”各阶段包含及不包含的过程
    Passes:
        cover: 系统边界“摇篮到大门” ; 3.2.2: 产品从“摇篮到大门”各阶段 ; 3.2.6: 产品全生命周期的 GWP 值
    """

    code = "BND006"
    checklist = "boundary"
    name = "claim-conflict"
    category = "boundary"
    severity = "warning"

    def check(self, report: Report, ctx: Context):
        kinds = effective_claims(report)
        spec = vocab().claims
        names = sorted(kinds, key=lambda k: -len(kinds[k]))
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                if b in spec.get(a, {}).get("compatible", []) or a in spec.get(b, {}).get("compatible", []):
                    continue
                ca, cb = kinds[a], kinds[b]
                yield self.finding(
                    T("BND006.both", claim=claim_name(a), where=_where(ca), other=claim_name(b), other_where=_where(cb)),
                    evidence=sorted({c.text for c in ca + cb}), location=cb[0].location,
                    cause=T("BND006.left-over"))


def _where(claims: list[BoundaryClaim]) -> Msg:
    """The claim as printed and the pages it is printed on: 摇篮到坟墓, p.2."""
    printed = J(sorted({c.text for c in claims}), "slash")
    pages = sorted({c.location.page for c in claims if c.location})
    if not pages:
        return T("BND006.printed", printed=printed)
    return T("BND006.printed-on", printed=printed, pages=J([T("place.page", page=p) for p in pages], "comma"))


NONE_TEXT = {"", "/", "无", "-", "—", "–", "none", "n/a", "na", "不涉及", "未排除", "无排除", "——"}


def _cutoff_thresholds(text: str) -> tuple[Decimal | None, Decimal | None]:
    """'舍去质量或能量投入小于 1% 的...，但总的舍去...不超过 5%' -> (1, 5)."""
    pcts = [p.value for s, e, p in find_numbers(text) if text[e:e + 2].strip().startswith("%")]
    item = pcts[0] if pcts else None
    total = pcts[1] if len(pcts) > 1 else None
    return item, total


class CutoffExclusion(Rule):
    """Processes excluded from the boundary are covered by the declared cut-off rule, with their share.

    Why: ISO 14067 allows leaving out inputs below a cut-off (typically mass or energy < 1%, 5% in total), but
    only when the report shows the excluded input qualifies (ISO 14067:2018 / GB/T 24067-2024, cut-off criteria
    of the system boundary). A share above the rule, or excluded shares adding up beyond the total allowance, is
    an error and a nonconformity: the boundary leaves out more than the report's own criterion allows, and no
    arithmetic on the stated numbers repairs that. An exclusion with no cut-off rule at all, or an "excluded"
    input that the inventory in fact counts, is a warning; an exclusion that relies on the rule without giving
    its share is noted (info), since a verifier has to ask for the evidence.

    Fails:
        表 3.1: 原辅料获取阶段 | ... | 包装材料获取 ; no 取舍准则 anywhere
    Passes:
        表 3.1: 原辅料获取阶段 | ... | 包装材料获取（质量占比 0.4%） ; 取舍准则: 舍去质量小于 1% 的...不超过 5%
    """

    code = "BND005"
    checklist = "cut-off"
    nonconformity = True
    name = "cutoff-exclusion"
    category = "boundary"
    severity = "warning"

    def check(self, report: Report, ctx: Context):
        excluded = [(r, r.excluded.strip()) for r in report.boundary.table
                    if r.excluded and norm(r.excluded).strip("。.") not in NONE_TEXT]
        if not excluded:
            return
        cut = report.boundary.cutoff
        item_max, total_max = _cutoff_thresholds(fold(cut.text)) if cut else (None, None)
        items = {norm(ln.item) for st in (report.inventory.stages if report.inventory else []) for ln in st.lines
                 if ln.item}
        shares = []
        for row, text in excluded:
            stage = row.stage.name
            counted = [i for i in items if len(i) >= 2 and (i in norm(text) or _core(text) in i)]
            if counted:
                yield self.finding(
                    T("BND005.counted", stage=stage, excluded=text, items=J(sorted(counted), "and")),
                    evidence=[text, row.stage.name], location=row.stage.location, stage=row.stage.canonical)
                continue
            share = self._share(text)
            if cut is None:
                yield self.finding(
                    T("BND005.no-rule", stage=stage, excluded=text), evidence=[text, row.stage.name],
                    location=row.stage.location, stage=row.stage.canonical, cause=T("BND005.cause-no-rule"))
                continue
            if share is None:
                yield self.finding(
                    T("BND005.no-share", stage=stage, excluded=text, rule=cut.text[:60], limit=f"{item_max}%")
                    if item_max is not None else T("BND005.no-share-no-limit", stage=stage, excluded=text,
                                                   rule=cut.text[:60]),
                    evidence=[text, row.stage.name, cut.text], location=row.stage.location,
                    stage=row.stage.canonical, severity="info")
                continue
            shares.append((row, text, share))
            if item_max is not None and share.value > item_max:
                yield self.finding(
                    T("BND005.above-cutoff", stage=stage, excluded=text, share=f"{share.text}%", limit=f"{item_max}%"),
                    values=[share.text], expected=f"<{item_max}", evidence=[text, cut.text],
                    location=row.stage.location, stage=row.stage.canonical, severity="error")
        if total_max is not None and shares and cut is not None:   # a share is only taken under a cut-off rule
            total = sum((s.value for _, _, s in shares), Decimal(0))
            if total > total_max:
                yield self.finding(
                    T("BND005.above-total", total=f"{total}%", shares=J([s.text + "%" for _, _, s in shares], "plus"),
                      limit=f"{total_max}%"),
                    values=[s.text for _, _, s in shares], expected=f"<={total_max}",
                    evidence=[t for _, t, _ in shares] + [cut.text], location=shares[0][0].stage.location,
                    severity="error")

    @staticmethod
    def _share(text: str):
        t = fold(text)
        for _s, e, p in find_numbers(t):
            if t[e:e + 2].strip().startswith("%"):
                return p
        return None


def _core(text: str) -> str:
    """'包装材料获取' -> '包装材料': the input itself, without the stage verb."""
    return regex.sub(r"(的)?(获取|生产|运输|加工|处置|使用)(过程|阶段)?$", "", norm(text)) or norm(text)
