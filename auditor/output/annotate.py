"""Annotated copies of audited PDFs: a highlight with a comment at every finding's box.

`auditor check report.pdf --annotate out/` writes out/report.pdf: a copy of the report (the original is only
read) with, for every finding that has a box, a Highlight annotation over the box whose comment (popup) gives
the rule, the message, what was stated and expected and the likely cause; findings without a box get a Text
(note) annotation at the top-left of their page, or of page 1 when they have no page.

Every page with findings is also widened by a margin on the right where each finding is written out as a note
(a FreeText annotation joined to its box by a line), in the reader's language. The notes' appearance carries its
own font (the glyphs it uses, from the bundled CJK font), so every viewer, and a renderer like pdftoppm, shows the
Chinese as it is meant, with no Chinese font installed.

Coordinates: findings carry (x0, top, x1, bottom) in points from the page's top-left (pdfplumber's convention,
relative to the MediaBox); PDF user space has its origin at the bottom-left, so y = MediaBox top - top.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.annotations import Highlight, MarkupAnnotation, Popup, Text
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    RectangleObject,
    TextStringObject,
)

from .. import i18n
from ..model import AuditOutput, Finding, ReportResult
from .common import output_lang, severity, state_word, stated_expected
from .pdffont import EmbeddedFont

AUTHOR = "auditor"
MARK = "/AuditorAnnotatedCopy"   # in the document information of every copy: a later run may replace it
# highlight colours (multiplied over the text): error red, warning amber, info blue, suppressed grey
COLOR = {"error": (1.0, 0.55, 0.55), "warning": (1.0, 0.85, 0.3), "info": (0.55, 0.78, 1.0)}
SUPPRESSED = (0.8, 0.8, 0.8)
NOTE_SIZE = 18
PAD = 1.5
MARGIN = 230.0      # points added at the right of a page with findings, for the notes
NOTE_FONT = 7.0     # point size of the notes' text
NOTE_LINES = 9      # at most this many lines per note (the popup holds the whole comment)


@dataclass
class AnnotateResult:
    written: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def comment_text(f: Finding, lang: str = i18n.DEFAULT_LANG) -> str:
    lines = [f"{f.rule} {f.name} ({severity(f.severity, lang)})", f.message]
    stated, expected = stated_expected(f)
    if stated:
        lines.append(i18n.t("out.annot.stated", lang, value=stated))
    if expected:
        lines.append(i18n.t("out.annot.expected", lang, value=expected))
    if f.cause and f.cause not in f.message:
        lines.append(i18n.t("out.likely-cause", lang) + f.cause)
    if f.suppressed is not None:
        lines.append(f"{state_word(f, lang)}: {f.suppressed.reason}")
    return "\n".join(lines)


def _color(f: Finding) -> tuple[float, float, float]:
    return SUPPRESSED if f.suppressed is not None else COLOR.get(f.severity, COLOR["warning"])


def _hex(rgb) -> str:
    return "".join(f"{round(c * 255):02x}" for c in rgb)


def _form(writer, content: str, width: float, height: float, **entries) -> DictionaryObject:
    """An appearance dictionary ({/N: a form XObject}) drawing `content` in a width x height box; `entries` adds
    to the form's dictionary (Matrix, Resources)."""
    stream = DecodedStreamObject()
    stream.set_data(content.encode("ascii"))
    stream.update({
        NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): ArrayObject([FloatObject(0), FloatObject(0), FloatObject(width), FloatObject(height)]),
        **{NameObject(f"/{k}"): v for k, v in entries.items()},
    })
    return DictionaryObject({NameObject("/N"): writer._add_object(stream)})


def _appearance(writer, rect, rgb):
    """A normal appearance for the highlight (a multiplied colour fill), for viewers that do not draw one."""
    x0, y0, x1, y1 = rect
    return _form(writer, f"q /GS0 gs {rgb[0]:.3f} {rgb[1]:.3f} {rgb[2]:.3f} rg 0 0 {x1 - x0:.2f} {y1 - y0:.2f} re f Q",
                 x1 - x0, y1 - y0,
                 Matrix=ArrayObject([FloatObject(v) for v in (1, 0, 0, 1, x0, y0)]),
                 Resources=DictionaryObject({NameObject("/ExtGState"): DictionaryObject({
                     NameObject("/GS0"): DictionaryObject({NameObject("/Type"): NameObject("/ExtGState"),
                                                           NameObject("/BM"): NameObject("/Multiply"),
                                                           NameObject("/CA"): FloatObject(1),
                                                           NameObject("/ca"): FloatObject(1)})})}))


def _add(writer, page_index: int, annotation, text: str, f: Finding, popup_rect):
    annotation[NameObject("/Contents")] = TextStringObject(text)
    annotation[NameObject("/T")] = TextStringObject(AUTHOR)
    annotation[NameObject("/Subj")] = TextStringObject(f"{f.rule} {f.name}")
    if f.fingerprint:
        annotation[NameObject("/NM")] = TextStringObject(f"auditor-{f.rule}-{f.fingerprint}")
    ref = writer.add_annotation(page_index, annotation)
    popup = Popup(rect=popup_rect, parent=ref, open=False)
    popup_ref = writer.add_annotation(page_index, popup)
    ref[NameObject("/Popup")] = popup_ref.indirect_reference
    return ref


def annotate_pdf(src: Path, dest: Path, rep: ReportResult, lang: str | None = None) -> int:
    """Write dest: src with one annotation per finding. Returns the number of findings annotated."""
    lang = lang or rep.lang or i18n.DEFAULT_LANG
    reader = PdfReader(str(src))
    writer = PdfWriter(clone_from=reader)
    n_pages = len(writer.pages)
    notes_on_page: dict[int, int] = {}
    margin = _Margins(writer, lang)
    done = 0
    for number, f in enumerate(rep.findings, 1):
        page_no = f.location.page if f.location and 1 <= f.location.page <= n_pages else 1
        index = page_no - 1
        page = writer.pages[index]
        mb = page.mediabox
        left, top = float(mb.left), float(mb.top)
        width, height = float(mb.width), float(mb.height)
        rgb = _color(f)
        text = comment_text(f, lang)
        bbox = f.location.bbox if f.location and f.location.page == page_no else None
        margin.add(index, number, f, text, rgb, bbox)
        if bbox is not None:
            x0, t, x1, b = bbox
            rx0, rx1 = left + x0 - PAD, left + x1 + PAD
            ry0, ry1 = top - b - PAD, top - t + PAD
            rect = (rx0, ry0, rx1, ry1)
            quad = ArrayObject([FloatObject(v) for v in (rx0, ry1, rx1, ry1, rx0, ry0, rx1, ry0)])
            annot: MarkupAnnotation = Highlight(rect=rect, quad_points=quad, highlight_color=_hex(rgb), printing=True)
            annot[NameObject("/AP")] = _appearance(writer, rect, rgb)
            px, py = min(rx1 + 4, left + width - 200), max(ry1 - 120, top - height)
            popup_rect = (px, py, px + 200, py + 120)
            _add(writer, index, annot, text, f, popup_rect)
        else:
            k = notes_on_page.get(index, 0)
            notes_on_page[index] = k + 1
            x = left + 6 + (k // 20) * (NOTE_SIZE + 4)
            y1 = top - 6 - (k % 20) * (NOTE_SIZE + 4)
            rect = (x, y1 - NOTE_SIZE, x + NOTE_SIZE, y1)
            annot = Text(rect=rect, text=text, open=False)
            annot[NameObject("/Name")] = NameObject("/Comment")
            annot[NameObject("/C")] = ArrayObject([FloatObject(c) for c in rgb])
            _add(writer, index, annot, text, f, (x + NOTE_SIZE + 4, y1 - 120, x + NOTE_SIZE + 204, y1))
        done += 1
    margin.write()
    writer.add_metadata({MARK: "1"})
    dest.parent.mkdir(parents=True, exist_ok=True)
    from ..outpaths import atomic_open

    with atomic_open(dest, "wb", encoding=None) as fh:
        writer.write(fh)
    return done


@dataclass
class _Note:
    number: int
    finding: Finding
    text: str
    rgb: tuple[float, float, float]
    bbox: tuple[float, float, float, float] | None


class _Margins:
    """The notes in the widened right margin of each page with findings, laid out top to bottom near their boxes,
    written with an embedded subset of the CJK font."""

    def __init__(self, writer, lang: str):
        self.writer, self.lang = writer, lang
        self.pages: dict[int, list[_Note]] = {}
        self.font: EmbeddedFont | None = None

    def add(self, index: int, number: int, f: Finding, text: str, rgb, bbox) -> None:
        self.pages.setdefault(index, []).append(_Note(number, f, text, rgb, bbox))

    def write(self) -> None:
        from .pdffont import embed, load_font, reserve

        if not self.pages:
            return
        font = self.font = load_font()
        reserve(self.writer, font)
        for index, notes in self.pages.items():
            page = self.writer.pages[index]
            if int(page.get("/Rotate", 0) or 0) % 360:
                continue    # a rotated page keeps its size: its findings have the highlights and popups only
            self._page(index, page, notes)
        embed(self.writer, font)

    def _page(self, index: int, page, notes: list[_Note]) -> None:
        mb = page.mediabox
        left, bottom, right, top = float(mb.left), float(mb.bottom), float(mb.right), float(mb.top)
        wide = RectangleObject([left, bottom, right + MARGIN, top])
        page.mediabox = wide
        if "/CropBox" in page:
            page.cropbox = wide
        x0 = right + 10
        width = MARGIN - 20
        # boxed notes in the order of their boxes down the page, unboxed ones first
        order = sorted(notes, key=lambda n: (n.bbox is not None, n.bbox[1] if n.bbox else 0, n.number))
        room = top - bottom - 12
        for most in (NOTE_LINES, 6, 4, 3, 2):     # as many lines as the page has room for
            texts = [self._lines(n, width - 8, most) for n in order]
            heights = [len(t) * NOTE_FONT * 1.3 + 6 for t in texts]
            if sum(heights) + 4 * len(heights) <= room:
                break
        cursor = top - 8
        for k, (note, lines, height) in enumerate(zip(order, texts, heights)):
            want = top - note.bbox[1] + 4 if note.bbox else cursor
            below = sum(heights[k:]) + 4 * (len(heights) - k - 1)   # this note and the ones after it
            y1 = min(cursor, max(want, bottom + 4 + below))
            rect = (x0, y1 - height, x0 + width, y1)
            self._free_text(index, rect, lines, note)
            if note.bbox is not None:
                bx1 = left + note.bbox[2] + PAD
                by = top - (note.bbox[1] + note.bbox[3]) / 2
                self._line(index, (bx1, by), (x0, y1 - NOTE_FONT), note.rgb)
            cursor = y1 - height - 4

    def _lines(self, note: _Note, width: float, max_lines: int) -> list[str]:
        f = note.finding
        head = f"{note.number}  {f.rule} {severity(f.severity, self.lang)}"
        if f.suppressed is not None:
            head += f" ({state_word(f, self.lang)})"
        body = note.text.split("\n", 1)[1] if "\n" in note.text else ""
        assert self.font is not None
        return [head] + self.font.wrap(body, NOTE_FONT, width, max_lines - 1)

    def _free_text(self, index: int, rect, lines: list[str], note: _Note) -> None:
        assert self.font is not None
        x0, y0, x1, y1 = rect
        w, h = x1 - x0, y1 - y0
        r, g, b = note.rgb
        ops = [f"q {0.75 + r / 4:.3f} {0.75 + g / 4:.3f} {0.75 + b / 4:.3f} rg 0 0 {w:.2f} {h:.2f} re f Q",
               f"q {r * 0.6:.3f} {g * 0.6:.3f} {b * 0.6:.3f} RG 0.6 w 0.3 0.3 {w - 0.6:.2f} {h - 0.6:.2f} re S Q",
               "BT 0 g"]
        y = h - 3 - NOTE_FONT
        for i, line in enumerate(lines):
            ops.append(f"/F1 {NOTE_FONT + (0.5 if i == 0 else 0):.1f} Tf 1 0 0 1 4 {y:.2f} Tm "
                       f"{self.font.encode(line)} Tj")
            y -= NOTE_FONT * 1.3
        ops.append("ET")
        ap = _form(self.writer, "\n".join(ops), w, h, Resources=DictionaryObject({NameObject("/Font"): DictionaryObject(
            {NameObject("/F1"): self.font.ref})}))
        annot = DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/FreeText"),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in rect]),
            NameObject("/Contents"): TextStringObject(note.text),
            NameObject("/T"): TextStringObject(AUTHOR),
            NameObject("/DA"): TextStringObject(f"0 g /F1 {NOTE_FONT} Tf"),
            NameObject("/F"): NumberObject(4),    # print
            NameObject("/AP"): ap,
        })
        if note.finding.fingerprint:
            annot[NameObject("/NM")] = TextStringObject(f"auditor-note-{note.finding.rule}-"
                                                        f"{note.finding.fingerprint}")
        self.writer.add_annotation(index, annot)

    def _line(self, index: int, start, end, rgb) -> None:
        (sx, sy), (ex, ey) = start, end
        lo_x, lo_y, hi_x, hi_y = min(sx, ex) - 1, min(sy, ey) - 1, max(sx, ex) + 1, max(sy, ey) + 1
        r, g, b = (c * 0.6 for c in rgb)
        ap = _form(self.writer, f"q {r:.3f} {g:.3f} {b:.3f} RG 0.4 w [1.5 2] 0 d {sx - lo_x:.2f} {sy - lo_y:.2f} m "
                   f"{ex - lo_x:.2f} {ey - lo_y:.2f} l S Q", hi_x - lo_x, hi_y - lo_y)
        annot = DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Line"),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (lo_x, lo_y, hi_x, hi_y)]),
            NameObject("/L"): ArrayObject([FloatObject(v) for v in (sx, sy, ex, ey)]),
            NameObject("/C"): ArrayObject([FloatObject(c) for c in (r, g, b)]),
            NameObject("/F"): NumberObject(4),
            NameObject("/AP"): ap,
        })
        self.writer.add_annotation(index, annot)


class AnnotateError(ValueError):
    """--annotate cannot write where it was asked to (checked before any audit)."""


def is_annotated_copy(path: Path) -> bool:
    """A PDF this tool wrote with --annotate (marked in its document information): safe to replace."""
    try:
        meta = PdfReader(str(path)).metadata
        return meta is not None and MARK in meta
    except Exception:
        return False


def check_folder(folder: Path, inputs: list[Path], searched: Sequence[Path] = ()) -> None:
    """Refuse, before auditing, a destination that would replace an input or a PDF this tool did not write: a
    file instead of a folder, an input's own folder, a folder inside a folder searched for reports (the copies
    would be audited as reports by the next run), or a folder already holding a foreign PDF of an input's name.
    Earlier annotated copies are replaced."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise AnnotateError(f"{folder} is a file, not a folder; give a folder for the annotated copies")
    for top in searched:
        if top.is_dir() and folder.resolve().is_relative_to(top.resolve()):
            raise AnnotateError(f"{folder} is inside {top}, which is searched for reports: the next run would "
                                f"audit the annotated copies as reports; choose a folder outside it")
    if not folder.exists():
        return
    for src in inputs:
        if src.parent.resolve() == folder.resolve():
            raise AnnotateError(f"{folder} holds the input {src.name}; the copies would replace the reports "
                                f"audited: choose another folder")
        dest = folder / src.name
        if dest.exists() and not is_annotated_copy(dest):
            raise AnnotateError(f"{dest} exists and is not an annotated copy written by auditor; refusing to "
                                f"overwrite it: choose another folder")


def _destination(folder: Path, src: Path, used: set[Path]) -> Path:
    dest = folder / src.name
    k = 2
    while dest.resolve() in used:
        dest = folder / f"{src.stem}-{k}{src.suffix}"
        k += 1
    return dest


def annotate_all(output: AuditOutput, folder: Path, lang: str | None = None) -> AnnotateResult:
    """Annotated copies of every audited report in folder (same file name; -2, -3 ... when two reports share a
    name). Never writes over an audited file (choose another folder); reports that could not be audited are
    skipped."""
    folder = Path(folder)
    result = AnnotateResult()
    used: set[Path] = set()
    sources = {Path(r.path).resolve() for r in output.reports}
    for rep in output.reports:
        if rep.status != "ok":
            continue
        src = Path(rep.path)
        if (folder / src.name).resolve() in sources:
            result.problems.append(f"{src}: the annotated copy would overwrite an audited file; "
                                   f"choose another folder than {folder}")
            continue
        dest = _destination(folder, src, used)
        used.add(dest.resolve())
        try:
            annotate_pdf(src, dest, rep, lang or output_lang(output))
        except Exception as e:  # one unwritable copy must not stop the others
            result.problems.append(f"{src}: cannot write an annotated copy: {type(e).__name__}: {e}")
            continue
        result.written.append(dest)
    return result
