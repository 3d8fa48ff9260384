"""The structured report: what the parser read off the pages, typed.

Every number is a :class:`Quantity` that keeps the text it was printed as, its
Decimal value, its printed precision, its unit, and where it sits on the page.
Rules work on these models only; they never see pdfplumber.

Built at every start, so written to build fast: annotations are evaluated as the classes are defined (no
`from __future__ import annotations`: pydantic would compile and evaluate each one as a string), and list and
dict defaults come from Python functions (pydantic reads a default factory's signature, and a builtin's is parsed
from its text with the tokenizer).
"""
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


def new_list() -> list:
    """A new empty list: the default factory of list fields (see the module's docstring)."""
    return []


def new_dict() -> dict:
    """A new empty dict: the default factory of dict fields."""
    return {}


BBox = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points, origin top-left


def build_models(namespace: dict[str, Any]) -> None:
    """Complete the models a module defines, in the order it defines them (its `globals()`).

    The models are built on first use (`defer_build`); a model first used before the models it holds builds their
    schemas inside its own, and again for each of them when they are used in turn, several times the work. Built
    in definition order (the parts before the whole), each is built once and reused by the models holding it: a
    process that will audit calls this first (`auditor.api.preload`)."""
    for value in list(namespace.values()):
        if isinstance(value, type) and issubclass(value, BaseModel) and value.__module__ == namespace.get("__name__") \
                and not value.__dict__.get("__pydantic_complete__", False) and value.model_fields:
            value.model_rebuild()


class Model(BaseModel):
    # defer_build: a model's validator and serializer are built when it is first used, not when its class is
    # defined (a check uses about 50 of the 59 models: the others cost every run their building)
    model_config = ConfigDict(extra="forbid", defer_build=True)


def _msg_json(v: Any) -> Any:
    """What a catalogue message (auditor.i18n.Msg, a str that knows its id and parameters) records of itself: {id,
    params}; for a list, one per element (None for plain text); None for plain text."""
    if hasattr(v, "msg_json"):
        return v.msg_json()
    if isinstance(v, (list, tuple)) and any(hasattr(x, "msg_json") for x in v):
        return [x.msg_json() if hasattr(x, "msg_json") else None for x in v]
    return None


TEXTS_DOC = ("the catalogue message behind each text field given as one ({field: {id, params}}, a list of them for "
             "a list field; nested messages as {id, params}): outputs render them in the reader's language")


class Localized(Model):
    """A model whose text fields may be given as catalogue messages (auditor.i18n.Msg): it records their ids and
    parameters in `texts` (and a finding's or an error's message in `message_id` and `params`), so that every
    output can render them again in any language."""

    TEXT_FIELDS: ClassVar[tuple[str, ...]] = ()
    texts: dict[str, Any] = Field(default_factory=new_dict, exclude_if=lambda v: not v, description=TEXTS_DOC)

    @model_validator(mode="before")
    @classmethod
    def _record_messages(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        found: dict[str, Any] = {}
        for name in cls.TEXT_FIELDS:
            j = _msg_json(data.get(name))
            if j is None:
                continue
            if name == "message" and "message_id" in cls.model_fields:
                data = {**data, "message_id": j["id"], "params": j["params"]}
            else:
                found[name] = j
        if found:
            data = {**data, "texts": {**(data.get("texts") or {}), **found}}
        return data


class Location(Model):
    page: int = Field(description="1-based page number")
    bbox: BBox | None = Field(None, description="x0, top, x1, bottom in points from the page's top-left")


class Quantity(Model):
    """A printed number."""

    text: str = Field(description="the number as printed (after Unicode folding), e.g. '81.9886' or '86.77%'")
    value: Decimal
    decimals: int = Field(description="decimal places as printed; precision comes from the text")
    unit: str | None = Field(None, description="normalised unit, e.g. kgCO2e, kWh, m3, kg, %")
    unit_text: str | None = Field(None, description="the unit as printed, when one was printed")
    unit_note: str | None = Field(None, description="how the unit was repaired, e.g. a lost glyph")
    location: Location | None = None
    confidence: float | None = Field(None, description="OCR confidence 0-100 of the digits, when read by OCR")

    def at(self) -> str:
        return f"p.{self.location.page}" if self.location else "?"


class Text(Model):
    """A printed phrase with its place."""

    text: str
    location: Location | None = None


class StageRef(Model):
    """A stage name as printed, with the canonical stage it was matched to."""

    name: str = Field(description="as printed")
    canonical: str | None = Field(None, description="canonical stage id, e.g. raw_material_acquisition")
    score: float | None = Field(None, description="match score 0-100 of name against the stage vocabulary")
    location: Location | None = None


class GwpValue(Model):
    """A GWP100 characterisation factor the report prints for one gas, e.g. 'CH4 ... 28'."""

    gas: str = Field(description="formula, e.g. CH4, N2O, SF6, HFC-134a")
    value: Quantity
    text: str | None = Field(None, description="the phrase or table row it was read from")


class Statement(Model):
    """The verification or conformity statement: its wording, and the issuer, people, date, standard and scope it
    names (each as printed, with its place)."""

    text: Text | None = Field(None, description="the statement's opening phrase (确认...符合, Verification statement)")
    issuer: Text | None = Field(None, description="the organisation the statement names")
    people: list[Text] = Field(default_factory=new_list, description="verifiers, reviewers and authors named, with "
                                                                 "their role ('组长 李少娟', 'Reviewed by: A. Weber')")
    dated: Text | None = Field(None, description="the date the statement carries, as printed")
    date_value: date | None = None
    standard: Text | None = Field(None, description="the standard the statement says the report conforms to")
    scope: Text | None = Field(None, description="the product, functional unit or boundary the statement covers")


class Metadata(Model):
    product: Text | None = None
    model: Text | None = None
    company: Text | None = None
    report_number: Text | None = None
    issuer: Text | None = None
    issue_date: Text | None = None
    issue_date_value: date | None = None
    standard: list[Text] = Field(default_factory=new_list)
    functional_unit: list[Text] = Field(default_factory=new_list)
    data_period: Text | None = None
    data_period_start: date | None = None
    data_period_end: date | None = None
    gwp_source: Text | None = None
    gwp_report: str | None = Field(None, description="SAR, TAR, AR4, AR5, AR6 as named")
    gwp_year: int | None = Field(None, description="the year printed beside the assessment report")
    gwp_values: list[GwpValue] = Field(default_factory=new_list, description="GWP100 values the report prints per gas "
                                                                            "(e.g. CH4 28), for the GWP rule")
    gases: list[str] = Field(default_factory=new_list, description="gases the report says it covers, as formulas")
    gases_text: Text | None = None
    annual_output: Quantity | None = None


ClaimKind = Literal["cradle-to-grave", "cradle-to-gate", "gate-to-gate", "gate-to-grave", "partial"]


class BoundaryClaim(Model):
    text: str = Field(description="the claim as printed, e.g. 摇篮到坟墓")
    kind: ClaimKind
    location: Location | None = None


Place = Literal["cover", "summary", "boundary_section", "boundary_table", "notes", "inventory", "results", "other"]


class StageDeclaration(Model):
    """One place where the report lists its stages."""

    place: Place
    text: str = Field(description="the printed phrase that lists the stages")
    stages: list[StageRef]
    location: Location | None = None


class BoundaryTableRow(Model):
    stage: StageRef
    included: str | None = None
    excluded: str | None = None


class Boundary(Model):
    claims: list[BoundaryClaim] = Field(default_factory=new_list)
    declarations: list[StageDeclaration] = Field(default_factory=new_list)
    table: list[BoundaryTableRow] = Field(default_factory=new_list)
    cutoff: Text | None = None


class AllocationFactor(Model):
    product: str = Field(description="the co-product the factor belongs to, as printed")
    value: Quantity = Field(description="its factor or share as printed: 62.5% or 0.625")


class Allocation(Model):
    """How the report allocates between co-products: the declared method, the factors, the output it divides by."""

    method: Literal["physical", "economic", "avoided", "system-expansion"] | None = None
    method_text: Text | None = Field(None, description="the sentence that says what this study does")
    factors: list[AllocationFactor] = Field(default_factory=new_list)
    factors_text: Text | None = None
    output: Quantity | None = Field(None, description="the annual output the allocation divides by")
    output_text: Text | None = None


class InventoryLine(Model):
    stage: StageRef
    item: str | None = Field(None, description="energy carrier or material, as printed")
    activity: Quantity | None = None
    factor: Quantity | None = None
    emissions: Quantity | None = Field(None, description="the line's own printed emissions, if any")
    location: Location | None = None


class InventoryStage(Model):
    stage: StageRef
    lines: list[InventoryLine] = Field(default_factory=new_list)
    emissions: Quantity | None = Field(None, description="the stage's printed emissions (merged cell or subtotal)")
    emissions_from: Literal["merged", "subtotal", "single-line", "none"] = "none"


class Inventory(Model):
    stages: list[InventoryStage] = Field(default_factory=new_list)
    total: Quantity | None = None
    location: Location | None = None
    emissions_unit: str | None = None


class ResultRow(Model):
    stage: StageRef
    value: Quantity
    percent: Quantity | None = None


class ResultsTable(Model):
    rows: list[ResultRow] = Field(default_factory=new_list)
    total: Quantity | None = None
    total_percent: Quantity | None = None
    location: Location | None = None
    unit: str | None = None


Quoted = Literal["summary", "cover", "results_text", "conclusion", "other"]


class QuotedValue(Model):
    """A stage or total value quoted in prose or in a summary box."""

    place: Quoted
    stage: StageRef | None = Field(None, description="None means the product total")
    value: Quantity
    percent: Quantity | None = None
    text: str = Field(description="the sentence fragment it was read from")


class FactorTableRow(Model):
    label: str = Field(description="region (or item) as printed")
    unit: str | None = None
    values: list[Quantity | None]


class FactorTable(Model):
    """A table of factors by region and/or year (e.g. regional grid factors)."""

    columns: list[str] = Field(description="column headers of the value columns, as printed")
    years: list[int | None] = Field(description="the year of each value column, when the header names one")
    rows: list[FactorTableRow]
    unit: str | None = None
    unit_text: str | None = None
    location: Location | None = None


class FactorMention(Model):
    """A factor named in prose, with its series, vintage and announcement."""

    text: str
    value: Quantity | None = None
    vintage: int | None = None
    series: Literal["CO2", "CO2e"] | None = Field(None, description="what the words call it")
    unit_series: Literal["CO2", "CO2e"] | None = Field(None, description="what the printed unit says")
    announced: date | None = None
    subject: str | None = Field(None, description="e.g. electricity")
    location: Location | None = None


class Electricity(Model):
    """What the report says about the grid electricity it accounts: the factor it cites (year, series, grid region
    or province), whether that factor is location- or market-based, and what evidence backs a market-based claim."""

    vintage: int | None = Field(None, description="the year of the electricity factor the report cites")
    series: Literal["CO2", "CO2e"] | None = Field(None, description="footprint (CO2e) or CO2-only factor cited")
    region: str | None = Field(None, description="the grid region or province the factor sentence or the factor "
                                                 "table label names, as printed (华东电网, 浙江省, 全国, Germany)")
    region_text: Text | None = Field(None, description="the phrase the region was read from")
    address_region: str | None = Field(None, description="the province of the company address: a hint only")
    basis: Literal["location", "market"] | None = Field(None, description="the basis the report states")
    basis_text: Text | None = None
    market_claims: list[Text] = Field(default_factory=new_list, description="phrases claiming market-based or "
                                                                         "renewable electricity (绿电, GEC, PPA)")
    supplier_factor: Text | None = Field(None, description="a supplier-specific electricity factor named")
    evidence: list[Text] = Field(default_factory=new_list, description="certificate numbers or quantities, contracts, "
                                                                   "suppliers named for the claim")


TableKind = Literal["inventory", "transport", "energy", "results", "matrix", "factor_table", "boundary", "product",
                    "key_value", "other"]


class TableColumn(Model):
    """One column of a numeric table: its header, the role its header gives it, and its unit."""

    index: int
    header: str = Field(description="the header as printed (header rows joined)")
    role: str | None = Field(None, description="what the column holds, from the header's meaning: activity, "
                                               "factor, emissions, mass, distance, tkm, annual, output, "
                                               "per_unit, percent, item, stage, ...")
    unit: str | None = Field(None, description="normalised unit of its numbers (kgCO2e, kgCO2e/kg, t*km, %)")
    unit_text: str | None = Field(None, description="the unit as printed in the header")


class TableRow(Model):
    """One body row: its label and, per column, the number printed there (None where none is)."""

    label: str = Field(description="the row's label cells joined (item, stage, or the first text cell)")
    kind: Literal["line", "subtotal", "total"] = "line"
    cells: list[Quantity | None]
    location: Location | None = None


class TableRelation(Localized):
    """Arithmetic a table's columns promise and its rows were checked against: target = scale x product of the
    operands (kind product), target = scale x a / b (quotient), or the sum of the line rows (sum)."""

    TEXT_FIELDS = ("relation",)

    relation: str = Field(description="in words, e.g. 'emissions = activity x factor' (its catalogue message in "
                                      "`texts`)")
    kind: Literal["product", "quotient", "sum", "row-sum"]
    target: int = Field(description="column index of the result (row-sum: row index)")
    operands: list[int] = Field(default_factory=new_list, description="column indexes of the operands (sum: the "
                                                                  "columns added up row by row, none: the rows "
                                                                  "above a subtotal; row-sum: row indexes)")
    scale: str = Field("1", description="the unit conversion between the operands and the result, e.g. 0.001")
    unit_scale: str | None = Field(None, description="the conversion the printed units imply, when they imply one")
    rows: int = Field(0, description="rows with every number of the relation printed")
    agree: int = Field(0, description="of those, rows that agree within the rounding of their printed numbers")
    covered_by: str | None = Field(None, description="the rule that checks it row by row (e.g. ARI001 for "
                                                     "inventory lines); None: the table-relation rules do")


class DataTable(Model):
    """A table as the reader read it: its kind and life-cycle stage (from a stage column, its caption, the
    section heading above it or its place), its columns and rows, and the relations its rows were checked
    against."""

    kind: TableKind
    caption: Text | None = Field(None, description="the caption printed with it ('表 4-3 ...', 'Table 3 ...')")
    section: str | None = Field(None, description="the section heading it stands under")
    stage: StageRef | None = Field(None, description="the stage the whole table belongs to, when it has no stage "
                                                     "column")
    columns: list[TableColumn] = Field(default_factory=new_list)
    rows: list[TableRow] = Field(default_factory=new_list)
    relations: list[TableRelation] = Field(default_factory=new_list)
    read_as: str | None = Field(None, description="the report part its rows were read into (inventory, results, "
                                                  "...); None: only its relations were checked")
    numbers: int = Field(0, description="numeric cells in its body")
    numbers_checked: int = Field(0, description="numeric cells that took part in a relation the rows confirm")
    location: Location | None = None


class ExtractionNote(Localized):
    """Something the parser could not read or had to guess."""

    TEXT_FIELDS = ("message",)

    code: str
    message: str
    message_id: str | None = Field(None, description="the message's id in the catalogue")
    params: dict[str, Any] = Field(default_factory=new_dict, description="the message's parameters")
    severity: Literal["error", "warning", "info"] = "info"
    location: Location | None = None
    text: str | None = None


class Coverage(Model):
    pages: int = 0
    text_pages: int = 0
    ocr_pages: list[int] = Field(default_factory=new_list)
    ocr_engine: str | None = Field(None, description="the OCR engine (version, settings) that read the ocr_pages")
    tables: int = 0
    tables_used: dict[str, int] = Field(default_factory=new_dict)
    inventory_stages: int = 0
    inventory_lines: int = 0
    results_rows: int = 0
    quoted_values: int = 0
    declarations: int = 0
    factor_tables: int = 0
    table_numbers: int = Field(0, description="numeric cells in all tables")
    table_numbers_used: int = Field(0, description="numeric cells read into the report (inventory, results, "
                                                   "factor tables, product box)")
    prose_numbers: int = Field(0, description="numbers in the running text (dates and standard numbers included)")
    prose_values: int = Field(0, description="numbers in the running text printed with an emissions unit or %")
    prose_values_used: int = Field(0, description="of prose_values, those read into quotes, factors or metadata; "
                                                  "the others are listed in notes (prose-value-unread)")
    ocr_low_confidence: int = Field(0, description="numbers read by OCR below the confidence threshold")
    numbers_checked: int = Field(0, description="numeric table cells that took part in a relation the rows "
                                                "confirm (products, quotients, sums)")


class Report(Model):
    """Everything read from one PCF report."""

    path: str | None = None
    language: Literal["zh", "en"] = "zh"
    producer: str | None = None
    metadata: Metadata = Field(default_factory=Metadata)
    statement: Statement = Field(default_factory=Statement)
    boundary: Boundary = Field(default_factory=Boundary)
    allocation: Allocation = Field(default_factory=Allocation)
    inventory: Inventory | None = None
    results: ResultsTable | None = None
    quotes: list[QuotedValue] = Field(default_factory=new_list)
    factor_tables: list[FactorTable] = Field(default_factory=new_list)
    factor_mentions: list[FactorMention] = Field(default_factory=new_list)
    electricity: Electricity = Field(default_factory=Electricity)
    tables: list[DataTable] = Field(default_factory=new_list, description="every numeric table as read, with its "
                                                                      "kind, stage and relations")
    notes: list[ExtractionNote] = Field(default_factory=new_list)
    coverage: Coverage = Field(default_factory=Coverage)


# ---------------------------------------------------------------- findings

Severity = Literal["error", "warning", "info"]
Category = Literal["arithmetic", "percentage", "factor", "boundary", "consistency", "extraction", "internal"]
SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}


class Detail(Localized):
    """The working behind a finding: what was stated, what was computed, and how."""

    TEXT_FIELDS = ("steps", "tolerance")

    stated: str | None = None
    computed: str | None = None
    stated_interval: tuple[str, str] | None = None
    computed_interval: tuple[str, str] | None = None
    tolerance: str | None = None
    steps: list[str] = Field(default_factory=new_list)
    unit: str | None = Field(None, description="the unit of stated and computed, e.g. kgCO2e")
    culprit: Literal["value", "input"] | None = Field(
        None, description="which printed number the likely cause blames: the stated value itself, or an input it "
                          "was computed from (a factor printed per GJ while the emissions used the per-kg factor): "
                          "then the stated value is right and the footprint is not misstated by the gap")


class Suppression(Localized):
    TEXT_FIELDS = ("reason",)

    kind: Literal["waiver", "baseline"]
    reason: str = Field(description="the waiver's reason as configured, or the tool's own (its catalogue message "
                                    "in `texts`)")


class Finding(Localized):
    TEXT_FIELDS = ("message", "cause")

    rule: str
    name: str
    category: Category
    severity: Severity
    message: str = Field(description="the finding in words, in the language of the output")
    message_id: str | None = Field(None, description="the message's id in the catalogue (auditor/locale/*.po): "
                                                     "programs match on it, never on the words")
    params: dict[str, Any] = Field(default_factory=new_dict,
                                   description="the message's parameters: printed values exactly as printed, "
                                               "nested messages as {id, params}, stages as {id: '@stage', params: "
                                               "{key}}")
    values: list[str] = Field(default_factory=new_list, description="the printed numbers it rests on")
    expected: str | None = Field(None, description="recomputed or reference value")
    evidence: list[str] = Field(default_factory=new_list, description="printed phrases it rests on")
    location: Location | None = None
    stage: str | None = Field(None, description="canonical stage the finding concerns")
    cause: str | None = Field(None, description="the likely cause, when one can be inferred")
    detail: Detail | None = None
    fingerprint: str | None = None
    suppressed: Suppression | None = Field(None, description="set when a waiver or the baseline accepts the finding; "
                                                            "suppressed findings do not count and do not fail the gate")


class ErrorInfo(Localized):
    TEXT_FIELDS = ("message",)

    code: str
    message: str
    message_id: str | None = Field(None, description="the message's id in the catalogue")
    params: dict[str, Any] = Field(default_factory=new_dict, description="the message's parameters")


class StageSummary(Model):
    """One life-cycle stage's value as the report states it and as its inventory lines recompute it."""

    canonical: str | None = Field(None, description="canonical stage id, e.g. raw_material_acquisition")
    name: str = Field(description="the stage name as printed")
    stated: str | None = Field(None, description="the stage value as printed (results table, else inventory)")
    recomputed: str | None = Field(None, description="sum of activity x factor over the stage's inventory lines, "
                                                     "rounded to the stated decimals; None when a line lacks "
                                                     "either number")
    agrees: bool | None = Field(None, description="whether the stated and the recomputed value agree within the "
                                                  "rounding of the printed numbers; None when not recomputed")
    unit: str | None = Field(None, description="emissions unit, e.g. kgCO2e")


class ReportSummary(Model):
    """What identifies a report, for comparing reports with each other (`auditor batch` cross-report checks)."""

    report_number: str | None = Field(None, description="the report number as printed")
    product: str | None = None
    model: str | None = None
    company: str | None = None
    total: str | None = Field(None, description="the product total as printed (results table, else inventory, "
                                                "else a quoted total)")
    total_unit: str | None = Field(None, description="normalised unit of the total, e.g. kgCO2e")
    factors: list[str] = Field(default_factory=new_list, description="the inventory's factors as printed, in order, "
                                                                 "as 'item=value unit'")
    text_sha256: str | None = Field(None, description="sha256 of the normalised prose (casefolded, letters and "
                                                      "digits only)")
    text: str = Field("", exclude=True, description="the first 5000 characters of the normalised prose, for "
                                                    "near-duplicate detection; kept out of the JSON output")


class ReportIdentity(Model):
    """Which report a page of findings belongs to: its number, company, product and model, issuer, issue date
    and its stated total beside the total its stage values add up to. A field the report does not print (or the
    parser did not read) is None."""

    report_number: str | None = Field(None, description="the report number as printed")
    company: str | None = None
    product: str | None = None
    model: str | None = None
    issuer: str | None = Field(None, description="who issued the report (the verifier or consultant), as printed")
    issue_date: str | None = Field(None, description="the issue date as printed")
    total: str | None = Field(None, description="the product total as printed (results table, else inventory, "
                                                "else a quoted total)")
    total_unit: str | None = Field(None, description="normalised unit of the total, e.g. kgCO2e")
    total_recomputed: str | None = Field(None, description="the sum of the stage values printed beside the total, "
                                                           "rounded like the total; None when there are none")
    total_agrees: bool | None = Field(None, description="whether the stated total and the sum agree within the "
                                                        "rounding of the printed numbers; None when not both")


Verdict = Literal["clean", "immaterial", "material", "not-verifiable", "nonconformity"]
VERDICTS: tuple[str, ...] = ("clean", "immaterial", "not-verifiable", "material", "nonconformity")  # mild to grave


class Misstatement(Localized):
    """One slip in a value the report states, quantified: the stated value beside the recomputed one, in the
    report's unit, as a share of the stated total. Findings that see the same slip from two sides (a line typo
    that also breaks its stage sum) are one misstatement."""

    TEXT_FIELDS = ("what",)

    what: str = Field(description="what is misstated, e.g. '原材料获取: the summary (p.3)'")
    level: Literal["line", "stage", "total", "quote", "table", "per-unit"]
    stage: str | None = Field(None, description="canonical stage, None for the total")
    stated: str = Field(description="the value as printed")
    expected: str = Field(description="the value recomputed from the report's other numbers")
    difference: str = Field(description="stated - expected, signed, in `unit`")
    unit: str | None = None
    direction: Literal["overstated", "understated"]
    base: str | None = Field(None, description="the stated total the share is taken of, as printed, with its unit")
    share: float | None = Field(None, description="|difference| / base; None when no total in a compatible unit")
    rules: list[str] = Field(default_factory=new_list, description="the rule codes whose findings report this slip")
    fingerprints: list[str] = Field(default_factory=new_list, description="those findings' fingerprints")
    location: Location | None = None


class ChecklistItem(Localized):
    """One item of a verifier's checklist and what the rules that check it found."""

    TEXT_FIELDS = ("findings",)

    item: str = Field(description="cut-off, allocation, data-period, functional-unit, gases, electricity, statement, "
                                  "boundary")
    status: Literal["fail", "warn", "ok", "n/a", "not-run"] = Field(
        description="fail: an error; warn: a warning; ok: the report holds what the item is about and its rules "
                    "found no error or warning (info findings may remain); n/a: the report holds nothing the item "
                    "is about (no allocation, no electricity, ...) and its rules found nothing; not-run: none of its "
                    "rules was selected")
    rules: list[str] = Field(default_factory=new_list, description="the rules that check it")
    findings: list[str] = Field(default_factory=new_list, description="'CODE: message' of its errors and warnings")


class Opinion(Localized):
    """The verification opinion: one verdict and the working behind it."""

    TEXT_FIELDS = ("reason", "steps", "nonconformities", "unquantified")

    verdict: Verdict = Field(description="clean: no discrepancy; immaterial: discrepancies whose quantified "
                                         "misstatements stay within the materiality threshold; material: they "
                                         "exceed it; not-verifiable: too little could be checked; nonconformity: "
                                         "the report breaks the standard in a way no arithmetic repairs")
    reason: str = Field(description="what decides the verdict, in one sentence")
    misstatements: list[Misstatement] = Field(default_factory=new_list)
    total: str | None = Field(None, description="the stated total the shares are taken of, as printed")
    unit: str | None = None
    aggregate: str | None = Field(None, description="the misstatements' absolute values added up (overstatements "
                                                    "and understatements do not offset), in `unit`")
    net: str | None = Field(None, description="the misstatements added up with their signs, in `unit`")
    share: float = Field(0.0, description="the misstatements' shares of the total added up")
    threshold: float = Field(description="materiality threshold (share of the total)")
    coverage: float | None = Field(None, description="share of the stated total that was rebuilt from activity "
                                                     "data x factors (None: nothing could be rebuilt)")
    coverage_limit: float = Field(description="below this coverage the report is not verifiable")
    unreadable_pages: list[int] = Field(default_factory=new_list, description="pages without text that OCR did not read")
    nonconformities: list[str] = Field(default_factory=new_list, description="'CODE: message' of each nonconformity")
    unquantified: list[str] = Field(default_factory=new_list,
                                    description="'CODE: message' of errors that misstate no value of the footprint "
                                                "or cannot be quantified (a misprinted factor whose emissions are "
                                                "right, a percentage, a method)")
    checklist: list[ChecklistItem] = Field(default_factory=new_list)
    steps: list[str] = Field(default_factory=new_list, description="the working, in words")


class ReportResult(Model):
    path: str
    sha256: str | None = None
    status: Literal["ok", "error"]
    lang: str | None = Field(None, description="the language the messages are rendered in (zh, en): --lang, the "
                                               "configuration's `lang`, else the report's own language")
    error: ErrorInfo | None = None
    findings: list[Finding] = Field(default_factory=new_list)
    counts: dict[str, int] = Field(default_factory=lambda: {"error": 0, "warning": 0, "info": 0})
    coverage: Coverage | None = None
    stages: list[StageSummary] | None = Field(None, description="per-stage stated and recomputed values (for "
                                                                "charts); None when the report was not audited")
    summary: ReportSummary | None = Field(None, description="report number, product, total and factors, for "
                                                            "cross-report checks; None when the report was not "
                                                            "audited")
    identity: ReportIdentity | None = Field(None, description="report number, company, product, model, issuer, "
                                                              "issue date and the stated beside the recomputed "
                                                              "total; None when the report was not audited")
    opinion: Opinion | None = Field(None, description="the verification opinion: verdict, misstatements against "
                                                      "materiality, coverage, nonconformities and the checklist")


class ToolInfo(Model):
    name: str = "auditor"
    version: str
    rules_version: str


class AuditOutput(Model):
    schema_version: int = 1
    tool: ToolInfo | None = None
    reports: list[ReportResult]
