"""The workbench's own words: every phrase the page shows is ``_("English text")``, looked up in the shared
catalogue (``auditor/locale/<lang>.po``, where the workbench's phrases are kept by their English, as gettext has
them; a third language translates them in its one file like every other message). What the catalogue already says
otherwise is taken from it: verdicts, severities, the checklist, stage titles, the coverage, and every finding's
message, cause and working (re-rendered in the page's language with ``auditor.i18n.localize``). A phrase missing
from a catalogue shows in English (a test checks there is none).
"""
from __future__ import annotations

from collections.abc import Callable

LANGS = ("zh", "en")
VERDICTS = ("clean", "immaterial", "material", "not-verifiable", "nonconformity")   # their words: the catalogue's

# keys the data uses -> the English phrase shown (translated like any other phrase)
CONCLUSION = {"pass": "Pass", "pass-after-changes": "Pass after corrections", "fail": "Fail"}
STATE = {"open": "open", "confirmed": "confirmed", "accepted": "accepted", "waived": "waived",
         "baselined": "baselined"}
ACTION = {"confirm": "confirmed", "accept": "accepted", "comment": "comment", "reopen": "reopened"}
JOB_STATE = {"queued": "queued", "waiting": "waiting for another batch", "running": "auditing", "done": "done",
             "failed": "failed"}
IDENTITY = (("report_number", "Report no."), ("company", "Company"), ("product", "Product"), ("model", "Model"),
            ("issuer", "Issuer"), ("issue_date", "Issued"))
AGREES = {True: "agrees", False: "differs", None: "not compared"}
READ_GROUP = {"identity": "Identity", "statement": "Verification statement", "boundary": "System boundary",
              "inventory": "Inventory", "results": "Results table", "quotes": "Values quoted in the text",
              "factors": "Emission factors", "tables": "Tables", "notes": "Parser notes"}
READ_LABEL = {"report_number": "Report no.", "company": "Company", "product": "Product", "model": "Model",
              "issuer": "Issuer", "issue_date": "Issued", "data_period": "Data period", "gwp_source": "GWP source",
              "gases_text": "Gases", "standard": "Standard", "functional_unit": "Functional unit",
              "annual_output": "Annual output", "text": "Statement", "dated": "Dated", "scope": "Scope",
              "stages": "Stages declared", "cutoff": "Cut-off", "total": "total", "table": "table",
              "cradle-to-grave": "cradle-to-grave", "cradle-to-gate": "cradle-to-gate", "gate-to-gate": "gate-to-gate",
              "gate-to-grave": "gate-to-grave", "partial": "partial boundary"}

def catalogue_words(lang: str) -> dict[str, Callable[[str], str]]:
    """The template helpers that take their words from the shared catalogue."""
    from ..output.common import checklist_item, checklist_status, severity, verdict_text

    return {"verdict_label": lambda v: verdict_text(v, lang), "severity_label": lambda s: severity(s, lang),
            "check_item": lambda i: checklist_item(i, lang), "check_status": lambda s: checklist_status(s, lang)}


def gettext(lang: str) -> Callable[[str], str]:
    """`_` for a language: the phrase in the catalogue of that language (auditor/locale/<lang>.po, where the
    workbench's words are kept by their English), else the phrase itself."""
    from .. import i18n

    cat = i18n.catalog(lang)
    return lambda s: cat.get(s) or s
