"""GitHub Actions workflow commands: one annotation line per finding.

    ::error file=reports/a.pdf,title=ARI004 quoted-value-mismatch::原材料获取: the summary ... (p.4)

error, warning and info findings become ::error, ::warning and ::notice; each report ends with its verdict
(::error for material or nonconformity, ::warning for not verifiable, else ::notice). Waived and baselined findings are
notices that start with "waived:" or "baselined:", so they stay visible without failing anything. A report that
could not be audited is an ::error. Data is escaped as GitHub's toolkit does (% CR LF), properties also : and ,.
"""
from __future__ import annotations

from .. import i18n
from ..model import AuditOutput, Finding
from .common import output_lang, state_word, stated_expected, tr, verdict_text

COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(s: str) -> str:
    return escape_data(s).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, message: str, **props: str | None) -> str:
    ps = ",".join(f"{k}={escape_property(str(v))}" for k, v in props.items() if v is not None)
    return f"::{kind}{' ' + ps if ps else ''}::{escape_data(message)}"


def _message(f: Finding, lang: str) -> str:
    msg = f.message
    _stated, expected = stated_expected(f)
    if expected and expected not in msg:
        msg += i18n.t("out.gh.expected", lang, value=expected)
    if f.location:
        msg += i18n.t("out.gh.page", lang, page=f.location.page)
    return msg


def render(output: AuditOutput, **options) -> str:
    lang = output_lang(output, options)
    _ = tr(lang)
    lines: list[str] = []
    for rep in output.reports:
        if rep.status != "ok":
            code = rep.error.code if rep.error else "error"
            message = rep.error.message if rep.error else _("out.not-audited")
            lines.append(command("error", _("out.gh.not-audited", code=code, message=message), file=rep.path,
                                 title=_("out.gh.not-audited-title")))
            continue
        for f in rep.findings:
            title = f"{f.rule} {f.name}"
            if f.suppressed is None:
                lines.append(command(COMMAND[f.severity], _message(f, lang), file=rep.path, title=title))
            else:
                label = state_word(f, lang)
                lines.append(command("notice", f"{label}: {f.suppressed.reason} — {_message(f, lang)}",
                                     file=rep.path, title=f"{title} ({label})"))
        if rep.opinion is not None:
            kind = "error" if rep.opinion.verdict in ("material", "nonconformity") else \
                "warning" if rep.opinion.verdict == "not-verifiable" else "notice"
            lines.append(command(kind, rep.opinion.reason, file=rep.path,
                                 title=_("out.gh.verdict-title", verdict=verdict_text(rep.opinion.verdict, lang),
                                         code=rep.opinion.verdict)))
    return "\n".join(lines) + ("\n" if lines else "")
