"""JUnit XML, for CI test-report viewers: one testsuite per report, one testcase per rule.

Every registered rule is a testcase of every audited report, so passing rules show as passed. Findings at or
above --fail-on make the rule's testcase a <failure> (all its findings in the text); findings below the gate and
waived or baselined ones go to <system-out>. A rule that did not run (--select/--ignore) is <skipped>. A report
that could not be audited is one testcase with an <error>.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from .. import i18n
from ..model import AuditOutput, Finding, ReportResult
from .common import (
    gating,
    identity_properties,
    output_lang,
    report_fails,
    rule_catalogue,
    severity,
    state_word,
    stated_expected,
    where,
)

_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _x(text: str) -> str:
    """Drop characters XML 1.0 cannot carry (control characters a PDF's text layer may hold)."""
    return _NOT_XML.sub("", text)


def _line(f: Finding, lang: str) -> str:
    out = f"[{severity(f.severity, lang)}] {f.rule} {f.name} ({where(f, lang)}): {f.message}"
    stated, expected = stated_expected(f)
    extra = []
    if stated:
        extra.append(i18n.t("out.stated", lang, value=stated))
    if expected:
        extra.append(i18n.t("out.expected", lang, value=expected))
    if f.cause and f.cause not in f.message:
        extra.append(i18n.t("out.likely-cause", lang) + f.cause)
    if extra:
        out += "\n    " + i18n.t("sep.semicolon", lang).join(extra)
    if f.suppressed is not None:
        out += f"\n    {state_word(f, lang)}: {f.suppressed.reason}"
    return _x(out)


def _ran(rule, config) -> bool:
    if config is None:
        return True
    from ..engine.select import selected

    return selected(rule.code, rule.name, rule.category, config)


def _suite(rep: ReportResult, catalogue, fail_on: str, config, lang: str) -> ET.Element:
    suite = ET.Element("testsuite", name=_x(rep.path))
    props = ET.SubElement(suite, "properties")
    if rep.sha256:
        ET.SubElement(props, "property", name="sha256", value=rep.sha256)
    ET.SubElement(props, "property", name="fail_on", value=fail_on)
    for key, value in identity_properties(rep).items():
        text = str(value).lower() if isinstance(value, bool) else str(value)
        ET.SubElement(props, "property", name=key, value=_x(text))
    if rep.opinion is not None:
        ET.SubElement(props, "property", name="verdict", value=rep.opinion.verdict)
        ET.SubElement(props, "property", name="misstatement_share", value=f"{rep.opinion.share:.6f}")
    tests = failures = errors = skipped = 0
    if rep.status != "ok":
        tests, errors = 1, 1
        case = ET.SubElement(suite, "testcase", classname=_x(rep.path), name="audit")
        code = rep.error.code if rep.error else "error"
        message = rep.error.message if rep.error else i18n.t("out.not-audited", lang)
        err = ET.SubElement(case, "error", message=_x(message), type=code)
        err.text = _x(i18n.t("out.junit.not-audited", lang, path=rep.path, code=code, message=message))
    else:
        if fail_on == "material" and rep.opinion is not None:   # the verdict is the gate: one testcase for it
            tests += 1
            case = ET.SubElement(suite, "testcase", classname=_x(rep.path),
                                 name=i18n.t("out.junit.opinion-case", lang))
            if report_fails(rep, fail_on):
                failures += 1
                fail = ET.SubElement(case, "failure", message=_x(rep.opinion.reason), type=rep.opinion.verdict)
                fail.text = _x("\n".join(rep.opinion.steps))
        registered, extra = catalogue
        used = {f.rule for f in rep.findings}
        for rule in registered + [r for r in extra if r.code in used]:
            fs = [f for f in rep.findings if f.rule == rule.code]
            tests += 1
            case = ET.SubElement(suite, "testcase", classname=_x(rep.path), name=f"{rule.code} {rule.name}")
            failing = [f for f in fs if gating(f, fail_on)]
            rest = [f for f in fs if not gating(f, fail_on)]
            if failing:
                failures += 1
                worst = "error" if any(f.severity == "error" for f in failing) else failing[0].severity
                n = len(failing)
                first = failing[0].message
                msg = first if n == 1 else i18n.t("out.junit.n-findings", lang, n=n, first=first)
                fail = ET.SubElement(case, "failure", message=_x(msg), type=worst)
                fail.text = "\n".join(_line(f, lang) for f in failing)
            elif not fs and not _ran(rule, config):
                skipped += 1
                ET.SubElement(case, "skipped", message=i18n.t("out.junit.not-selected", lang))
            if rest:
                out = ET.SubElement(case, "system-out")
                out.text = "\n".join(_line(f, lang) for f in rest)
    suite.set("tests", str(tests))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("skipped", str(skipped))
    # properties must be the first child; drop it when empty
    if not len(props):
        suite.remove(props)
    return suite


def build(output: AuditOutput, fail_on: str = "error", config=None, lang: str | None = None) -> ET.Element:
    lang = lang or output_lang(output)
    registered = rule_catalogue(lang=lang)
    known = {r.code for r in registered}
    catalogue = (registered, [r for r in rule_catalogue(output, lang) if r.code not in known])
    root = ET.Element("testsuites", name="auditor")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for rep in output.reports:
        suite = _suite(rep, catalogue, fail_on, config, lang)
        for k in totals:
            totals[k] += int(suite.get(k, "0"))  # _suite always sets all four
        root.append(suite)
    for k, v in totals.items():
        root.set(k, str(v))
    return root


def render(output: AuditOutput, fail_on: str = "error", config=None, **options) -> str:
    root = build(output, fail_on=fail_on or "error", config=config, lang=output_lang(output, options))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
