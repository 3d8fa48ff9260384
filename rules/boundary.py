"""System boundary: the claim against the stages present, and every list of stages against the others."""
from __future__ import annotations

from auditor.engine import Context, Rule
from auditor.model import Report, StageRef
from auditor.vocab import stage_label, vocab

PLACES = {"cover": "the cover", "summary": "the summary", "boundary_section": "the system-boundary section",
          "boundary_table": "the boundary table", "notes": "the notes on the cover", "other": "the text",
          "inventory": "the inventory table", "results": "the results table"}


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
    name = "claim-stage-missing"
    category = "boundary"
    severity = "error"

    def check(self, report: Report, ctx: Context):
        present = set(data_stages(report)) or set(declared(report))
        if not present:
            return
        kinds: dict[str, list] = {}
        for c in report.boundary.claims:
            kinds.setdefault(c.kind, []).append(c)
        for kind, claims in kinds.items():
            spec = vocab().claims.get(kind, {})
            missing = [s for s in spec.get("requires", []) if s not in present]
            extra = [s for s in spec.get("excludes", []) if s in present]
            texts = sorted({c.text for c in claims})
            if missing:
                names = ", ".join(f"{stage_label(s, 'zh')} ({stage_label(s, 'en')})" for s in missing)
                yield self.finding(
                    f"the report claims {kind} ({'/'.join(texts)}) but has no {names} stage: "
                    f"the stages reported are " + ", ".join(stage_label(s, "en") for s in sorted(
                        present, key=vocab().stage_order.index)),
                    evidence=texts, location=claims[0].location, stage=missing[0],
                    cause=f"the {kind} claim is wider than the stages assessed; either add the missing stages or "
                          f"state the boundary the report really covers (e.g. cradle-to-gate plus distribution "
                          f"and end of life)")
            if extra:
                names = ", ".join(stage_label(s, "en") for s in extra)
                yield self.finding(
                    f"the report claims {kind} ({'/'.join(texts)}) but also reports {names}",
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
        for stage, refs in data.items():
            lacking = [p for p, s in places.items() if stage not in s]
            if not lacking:
                continue
            having = [p for p in places if p not in lacking]
            yield self.finding(
                f"{refs[0].name} ({stage_label(stage, 'en')}) appears in {', '.join(PLACES.get(p, p) for p in having)}"
                f" but not in {', '.join(PLACES.get(p, p) for p in lacking)}",
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
            places = sorted({PLACES.get(p, p) for p, _, _ in hits})
            others = sorted({PLACES.get(p, p) for p in all_places} - set(places))
            names = sorted({s.name for _, s, _ in hits})
            msg = (f"{'/'.join(names)} ({stage_label(stage, 'en')}) is declared in {', '.join(places)} "
                   f"but no inventory line or results row covers it")
            if others:
                msg += f", and {', '.join(others)} do not list it"
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
                f"{refs[0].name} ({stage_label(stage, 'en')}) carries data but no boundary description lists it",
                evidence=sorted({r.name for r in refs}), location=refs[0].location, stage=stage)
