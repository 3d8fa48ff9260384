"""SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

Mapping of a PDF place onto SARIF, which has no notion of a page:

- ``physicalLocation.artifactLocation.uri`` is the report's path (relative to ``%SRCROOT%``, the working
  directory, when it is relative; a ``file:`` URI otherwise);
- ``physicalLocation.region.startLine`` is the **page number** (GitHub code scanning requires a start line; a
  PDF has no lines, and the page is what a reader looks for); findings without a page point at page 1;
- ``region.properties`` holds ``page`` and ``bbox`` (x0, top, x1, bottom in points from the page's top-left,
  as in the JSON output), and ``region.snippet.text`` the printed phrase or value the finding rests on;
- ``logicalLocations`` names the page (``kind: "page"``) and, when known, the life-cycle stage.

Waived and baselined findings carry ``suppressions`` (kind ``external``, the reason as justification). When a
baseline was given, every result has ``baselineState`` (``unchanged`` for findings in the baseline, ``new``
otherwise). ``partialFingerprints["auditorFingerprint/v1"]`` is the finding's content fingerprint. Reports that
could not be audited are ``invocations[0].toolExecutionNotifications`` with level ``error``.
"""
from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from .. import i18n
from ..model import AuditOutput, Finding, ReportResult
from .common import (
    SARIF_LEVEL,
    docs_markdown,
    identity_properties,
    output_lang,
    rule_catalogue,
    stage_title,
    state_word,
    stated_expected,
)

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT_KEY = "auditorFingerprint/v1"


def _artifact_location(path: str) -> dict:
    p = Path(path)
    if p.is_absolute():
        return {"uri": p.as_uri()}
    posix = PurePosixPath(*p.parts).as_posix() if p.parts else path
    return {"uri": quote(posix, safe="/"), "uriBaseId": "%SRCROOT%"}


def _full_description(docs: str) -> str:
    """The docs' prose paragraphs (summary and why), without the examples, each on one line."""
    paras = [" ".join(p.split()) for p in docs.split("\n\n")]
    return "\n\n".join(p for p in paras if p and not p.startswith(("Fails:", "Passes:", "示例（不通过）：", "示例（通过）：")))


def _rule_descriptor(r) -> dict:
    return {
        "id": r.code,
        "name": r.name,
        "shortDescription": {"text": r.summary},
        "fullDescription": {"text": _full_description(r.docs)},
        "help": {"text": r.docs, "markdown": docs_markdown(r.docs)},
        "defaultConfiguration": {"level": SARIF_LEVEL[r.severity]},
        "properties": {"category": r.category, "tags": ["pcf", r.category]},
    }


def _location(f: Finding, rep: ReportResult, artifact_index: int, lang: str) -> dict:
    loc = _artifact_location(rep.path)
    loc["index"] = artifact_index
    page = f.location.page if f.location else None
    region: dict = {"startLine": page or 1}
    snippet = (f.evidence[0] if f.evidence else None) or (f.values[0] if f.values else None)
    if snippet:
        region["snippet"] = {"text": snippet}
    props: dict = {"page": page}
    if f.location and f.location.bbox:
        props["bbox"] = list(f.location.bbox)
    if page is None:
        props["note"] = i18n.t("out.sarif.whole-report", lang)
    else:
        props["note"] = i18n.t("out.sarif.start-line", lang)
    region["properties"] = props
    out: dict = {"physicalLocation": {"artifactLocation": loc, "region": region}}
    logical = []
    if page is not None:
        logical.append({"name": i18n.t("out.page", lang, page=page), "kind": "page",
                        "fullyQualifiedName": f"{rep.path}#page={page}"})
    if f.stage:
        logical.append({"name": stage_title(f.stage, rep, lang), "kind": "stage", "fullyQualifiedName": f.stage})
    if logical:
        out["logicalLocations"] = logical
    return out


def _message(f: Finding, lang: str) -> str:
    text = f.message
    _stated, expected = stated_expected(f)
    if expected and expected not in text:
        text += i18n.t("out.sarif.expected", lang, value=expected)
    if f.cause and f.cause not in text:
        text += i18n.t("out.sarif.cause", lang, cause=f.cause)
    return text


def _result(f: Finding, rep: ReportResult, artifact_index: int, rule_index: dict[str, int],
            baseline, lang: str) -> dict:
    res: dict = {
        "ruleId": f.rule,
        "level": SARIF_LEVEL[f.severity],
        "kind": "fail",
        "message": {"text": _message(f, lang)},
        "locations": [_location(f, rep, artifact_index, lang)],
    }
    if f.message_id:
        res["message"]["id"] = f.message_id
    if f.rule in rule_index:
        res["ruleIndex"] = rule_index[f.rule]
    if f.fingerprint:
        res["partialFingerprints"] = {FINGERPRINT_KEY: f.fingerprint}
    if f.suppressed is not None:
        res["suppressions"] = [{"kind": "external", "status": "accepted",
                                "justification": f"{state_word(f, lang)}: {f.suppressed.reason}"}]
    if baseline is not None:
        in_baseline = (f.suppressed is not None and f.suppressed.kind == "baseline") or (
            f.fingerprint is not None and baseline.contains(rep, f.fingerprint))
        res["baselineState"] = "unchanged" if in_baseline else "new"
    stated, expected = stated_expected(f)
    props: dict = {"category": f.category, "severity": f.severity}
    if f.message_id:
        props["messageId"], props["params"] = f.message_id, f.params
    for k, v in (("stage", f.stage), ("stated", stated), ("expected", expected), ("cause", f.cause)):
        if v is not None:
            props[k] = v
    if f.values:
        props["values"] = f.values
    if f.evidence:
        props["evidence"] = f.evidence
    if f.detail and f.detail.steps:
        props["steps"] = f.detail.steps
    if f.location:
        props["page"] = f.location.page
        if f.location.bbox:
            props["bbox"] = list(f.location.bbox)
    res["properties"] = props
    return res


def build(output: AuditOutput, baseline=None, fail_on: str | None = None, lang: str | None = None) -> dict:
    """The SARIF log as a dict. `baseline`: the loaded baseline (auditor.baseline.Baseline), when one was given."""
    lang = lang or output_lang(output)
    catalogue = rule_catalogue(output, lang)
    rules = [_rule_descriptor(r) for r in catalogue]
    rule_index = {r.code: i for i, r in enumerate(catalogue)}
    artifacts: list[dict] = []
    results, notifications = [], []
    for rep in output.reports:
        index = len(artifacts)
        art: dict = {"location": _artifact_location(rep.path), "roles": ["analysisTarget"]}
        if rep.path.lower().endswith(".pdf"):
            art["mimeType"] = "application/pdf"
        if rep.sha256:
            art["hashes"] = {"sha-256": rep.sha256}
        art["properties"] = {"status": rep.status, "counts": rep.counts}
        if rep.coverage is not None:
            art["properties"]["pages"] = rep.coverage.pages
        ident = identity_properties(rep)
        if ident:
            art["properties"]["identity"] = ident
        if rep.opinion is not None:
            art["properties"]["opinion"] = {"verdict": rep.opinion.verdict, "reason": rep.opinion.reason,
                                            "misstatementShare": rep.opinion.share}
        artifacts.append(art)
        if rep.status != "ok":
            err = rep.error
            loc = _artifact_location(rep.path)
            loc["index"] = index
            notifications.append({
                "level": "error",
                "message": {"text": i18n.t("out.sarif.not-audited", lang, path=rep.path,
                                           message=err.message if err else err_unknown(lang))},
                "descriptor": {"id": err.code if err else "error"},
                "locations": [{"physicalLocation": {"artifactLocation": loc}}],
            })
            continue
        for f in rep.findings:
            results.append(_result(f, rep, index, rule_index, baseline, lang))
    tool = output.tool
    driver: dict = {"name": "auditor", "rules": rules}
    if tool is not None:
        driver["version"] = tool.version
        driver["semanticVersion"] = tool.version
        driver["properties"] = {"rulesVersion": tool.rules_version}
    invocation: dict = {"executionSuccessful": not notifications, "toolExecutionNotifications": notifications}
    if fail_on:
        invocation["properties"] = {"failOn": fail_on}
    run: dict = {
        "tool": {"driver": driver},
        "invocations": [invocation],
        "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().as_uri().rstrip("/") + "/"}},
        "artifacts": artifacts,
        "results": results,
        "columnKind": "unicodeCodePoints",
        "language": SARIF_LANGUAGE.get(lang, lang),
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def err_unknown(lang: str) -> str:
    return i18n.t("out.sarif.unknown-error", lang)


SARIF_LANGUAGE = {"zh": "zh-CN", "en": "en-US"}   # run.language: an RFC 5646 tag


def render(output: AuditOutput, baseline=None, fail_on: str | None = None, **options) -> str:
    lang = output_lang(output, options)
    return json.dumps(build(output, baseline=baseline, fail_on=fail_on, lang=lang), ensure_ascii=False,
                      indent=2) + "\n"
