"""The workbench's own words, in English (the message ids, as gettext has them) and Chinese.

Written for a later move into the shared catalogue (``auditor/locale/*.po``): every phrase the page shows is
``_("English text")``; ``ZH`` is the Chinese of each, as a .po file would hold it (msgid -> msgstr). What the
catalogue already says is taken from it: verdicts, severities, the checklist, stage titles, the coverage, and
every finding's message, cause and working (re-rendered in the page's language with ``auditor.i18n.localize``).
A phrase with no Chinese shows in English (a test checks there is none).
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

ZH: dict[str, str] = {
    # chrome
    "PCF verification workbench": "产品碳足迹报告核查工作台",
    "Archive": "报告档案",
    "Values are compared as rounding intervals: a printed number stands for every exact value that rounds to it.":
        "数值按舍入区间比较：印出的数字代表所有舍入后等于它的精确值。",
    "Something is not right": "出了点问题",
    "Back to the archive": "返回报告档案",
    # upload and audits
    "Drop PCF report PDFs here": "把碳足迹报告 PDF 拖到这里",
    "or": "或",
    "Choose files": "选择文件",
    "Choose a folder": "选择文件夹",
    "Each file is audited in its own worker process (timeout {t} s, memory cap {m} MB); at most {n} files and {mb} "
    "MB per upload.": "每个文件在独立的工作进程中审核（超时 {t} 秒，内存上限 {m} MB）；每次上传最多 {n} 个文件、{mb} MB。",
    "Uploading…": "正在上传…",
    "Upload and audit": "上传并审核",
    "Folders on this computer": "本机文件夹",
    "Audit new and changed files": "审核新增和改动的文件",
    "Audits": "审核任务",
    "No audits yet in this session.": "本次会话还没有审核任务。",
    "(already audited: record reused)": "（已审核过：沿用已有记录）",
    "waiting": "等待中",
    "auditing…": "审核中…",
    "… and {n} more": "… 另有 {n} 个",
    "{n} files": "{n} 个文件",
    "Choose or drop PDF files first.": "请先选择或拖入 PDF 文件。",
    "The folder holds no PDF files.": "该文件夹中没有 PDF 文件。",
    "larger than the limit of {n} MB": "超过 {n} MB 的上限",
    "queued": "排队中",
    "waiting for another batch": "等待另一个批处理结束",
    "auditing": "审核中",
    "done": "完成",
    "failed": "失败",
    # archive
    "{n} reports": "共 {n} 份报告",
    "Export accepted findings as waivers": "导出已接受的问题（豁免清单）",
    "Search: report no., company, product, file": "搜索：报告编号、企业、产品、文件名",
    "Verdict": "审核结论",
    "All verdicts": "全部结论",
    "Rule": "规则",
    "All rules": "全部规则",
    "Company": "企业",
    "Year": "年份",
    "All years": "全部年份",
    "Conclusion": "核查结论",
    "Any sign-off": "全部签核状态",
    "not signed": "未签核",
    "not audited": "未能审核",
    "with cross-report findings": "仅看跨报告问题",
    "Filter": "筛选",
    "Cross-report findings (same report number, near-duplicates, one product with very different totals, identical "
    "files)": "跨报告问题（报告编号重复、内容近似、同一产品总量相差悬殊、文件完全相同）",
    "Comparing the reports…": "正在比对报告…",
    "No cross-report findings: no shared report numbers, near-duplicates or diverging totals.":
        "没有跨报告问题：无重复报告编号、无近似报告、无相差悬殊的总量。",
    "Report": "报告",
    "Report no.": "报告编号",
    "Product / model": "产品 / 型号",
    "Issuer / issued": "出具机构 / 日期",
    "Stated total": "声明总量",
    "Auditor's verdict": "审核工具结论",
    "Findings": "发现的问题",
    "Review": "复核进度",
    "Sign-off": "签核",
    "misstated": "错报",
    "errors": "错误",
    "warnings": "警告",
    "info": "提示",
    "{d} of {n} findings decided": "{n} 个问题中已决定 {d} 个",
    "previous": "上一页",
    "next": "下一页",
    "page {p} of {n}": "第 {p} / {n} 页",
    "No report matches these filters.": "没有符合筛选条件的报告。",
    "No reports yet: drop a PDF above to audit it.": "还没有报告：把 PDF 拖到上方即可开始审核。",
    # verdicts, conclusions, severities, states
    "Pass": "通过",
    "Pass after corrections": "修改后通过",
    "Fail": "不通过",
    "error": "错误",
    "warning": "警告",
    "open": "待决定",
    "confirmed": "已确认",
    "accepted": "已接受",
    "waived": "已豁免",
    "baselined": "基线已接受",
    "comment": "评论",
    "reopened": "已撤销决定",
    "agrees": "一致",
    "differs": "不一致",
    "not compared": "未比较",
    # report page
    "audited": "审核于",
    "Product": "产品",
    "Model": "型号",
    "Issuer": "出具机构",
    "Issued": "出具日期",
    "not printed": "报告未载明",
    "stages add up to": "各阶段合计",
    "decided": "已决定",
    "Checked": "已核查",
    "Misstatements add up to {s} of the stated total (materiality {t}).": "错报合计占声明总量的 {s}（重要性水平 {t}）。",
    "Verification record (print / PDF)": "核查记录（打印 / PDF）",
    "Excel": "Excel",
    "Waivers (auditor.toml)": "豁免清单 (auditor.toml)",
    "Audit this file again? Decisions are kept (matched by fingerprint).": "重新审核此文件？已做的决定会保留（按指纹匹配）。",
    "Audit again": "重新审核",
    "Stage values: stated vs recomputed": "各阶段数值：声明值与复算值",
    "Cross-report findings": "跨报告问题",
    "Rendering page {n}…": "正在生成第 {n} 页…",
    "What the parser read": "解析读取内容",
    "p. {n}": "第 {n} 页",
    "Verifier": "核查员",
    "your name (recorded with each decision)": "您的姓名（随每个决定记录）",
    "all": "全部",
    "No findings.": "没有发现问题。",
    "Reading the report…": "正在读取报告…",
    "stated in the report": "报告声明值",
    "recomputed from the inventory (agrees)": "按清单复算（一致）",
    "recomputed (differs)": "复算值（不一致）",
    "not stated": "未声明",
    "not recomputable": "无法复算",
    "whole report": "整份报告",
    "stated": "声明值",
    "expected": "应为",
    "likely cause": "可能原因",
    "working": "计算过程",
    "Reopen": "撤销决定",
    "The finding stands: the report must be corrected.": "问题成立：报告需要修改。",
    "Confirm": "确认问题",
    "Accept with a reason…": "接受（需说明理由）…",
    "Why is it acceptable? (becomes the waiver reason)": "为什么可以接受？（将作为豁免理由）",
    "Accept": "接受",
    "Comment…": "评论…",
    "Comment": "评论",
    "Add comment": "添加评论",
    "pages with findings": "有问题的页面",
    "page {p}": "第 {p} 页",
    "also on this page, without a box": "本页还有（无定位框）",
    "The parser read nothing it uses from page {p} (prose only, or a blank page).":
        "第 {p} 页没有解析出可用内容（仅正文或空白页）。",
    "Hover an item to see where it was read on the page.": "将鼠标移到条目上，可在页面上看到其读取位置。",
    "Identity": "报告信息",
    "Verification statement": "核查声明",
    "System boundary": "系统边界",
    "Inventory": "清单",
    "Results table": "结果表",
    "Values quoted in the text": "正文中引用的数值",
    "Emission factors": "排放因子",
    "Tables": "表格",
    "Parser notes": "解析提示",
    "Data period": "数据周期",
    "GWP source": "GWP 来源",
    "Gases": "温室气体",
    "Standard": "标准",
    "Functional unit": "功能单位",
    "Annual output": "年产量",
    "Statement": "声明",
    "Dated": "日期",
    "Scope": "范围",
    "Stages declared": "声明的阶段",
    "Cut-off": "取舍准则",
    "total": "合计",
    "table": "表格",
    "cradle-to-grave": "摇篮到坟墓",
    "cradle-to-gate": "摇篮到大门",
    "gate-to-gate": "大门到大门",
    "gate-to-grave": "大门到坟墓",
    "partial boundary": "部分边界",
    # the record
    "Verifier's conclusion": "核查员结论",
    "saved": "已保存",
    "Not signed yet. Work through the findings, then record your conclusion here.":
        "尚未签核。请逐条处理发现的问题，然后在此记录核查结论。",
    "Record the conclusion": "记录核查结论",
    "Change the conclusion": "修改核查结论",
    "Date": "日期",
    "Comments": "意见",
    "Save the record": "保存核查记录",
    "Verification record": "核查记录",
    "Back to the report": "返回报告",
    "Print / save as PDF": "打印 / 另存为 PDF",
    "Product carbon footprint report: verification record": "产品碳足迹报告核查记录",
    "Audited": "审核",
    "rules": "规则",
    "Signature": "签名",
    "Misstatements": "错报",
    "What": "项目",
    "recomputed": "复算值",
    "difference": "差额",
    "share of the total": "占总量比例",
    "Rules": "规则",
    "added up (no offsetting)": "合计（不相互抵消）",
    "materiality": "重要性水平",
    "Stage": "阶段",
    "Checklist": "核查清单",
    "Findings and decisions": "发现的问题与决定",
    "Pages with findings": "有问题的页面",
    "Printed from the auditor workbench. Decisions and the conclusion are the verifier's; the verdict and the "
    "findings are the auditor's.": "由 auditor 核查工作台打印。决定与核查结论由核查员作出；审核结论与发现的问题由审核工具给出。",
    # exports
    "File": "文件",
    "Why": "依据",
    "Recorded at": "记录时间",
    "not recorded yet": "尚未记录",
    "#": "序号",
    "rule": "规则",
    "name": "名称",
    "severity": "严重程度",
    "stage": "阶段",
    "page": "页码",
    "message": "说明",
    "cause": "可能原因",
    "state": "状态",
    "decision": "决定",
    "reason or comment": "理由或评论",
    "verifier": "核查员",
    "decided at": "决定时间",
    "fingerprint": "指纹",
    # errors
    "Enter your name: every decision records who made it.": "请填写您的姓名：每个决定都会记录由谁作出。",
    "Accepting a finding needs a reason (it becomes the waiver's reason).": "接受问题需要说明理由（将作为豁免理由）。",
    "Write the comment first.": "请先填写评论内容。",
    "Choose a conclusion.": "请选择核查结论。",
    "The date is not a date (YYYY-MM-DD).": "日期格式不正确（应为 YYYY-MM-DD）。",
}


def catalogue_words(lang: str) -> dict[str, Callable[[str], str]]:
    """The template helpers that take their words from the shared catalogue."""
    from ..output.common import checklist_item, checklist_status, severity, verdict_text

    return {"verdict_label": lambda v: verdict_text(v, lang), "severity_label": lambda s: severity(s, lang),
            "check_item": lambda i: checklist_item(i, lang), "check_status": lambda s: checklist_status(s, lang)}


def gettext(lang: str) -> Callable[[str], str]:
    """`_` for a language: the Chinese of a phrase (zh), or the phrase itself (en, or no Chinese yet)."""
    if lang == "zh":
        return lambda s: ZH.get(s, s)
    return lambda s: s
