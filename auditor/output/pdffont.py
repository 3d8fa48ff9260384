"""Text in annotation appearances that every PDF viewer can draw: the glyphs a copy's notes use, cut from the bundled
CJK font (WenQuanYi Micro Hei, Apache-2.0) and embedded as a Type0 / CIDFontType2 font with Identity-H encoding, glyph
ids as character ids, widths and a ToUnicode map (so the notes' text can be searched and copied).

Only the annotated copies use it (`auditor/output/annotate.py`); pypdf writes the objects.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from .fonts import font_path

FONT_NAME = "AUDTOR+WenQuanYiMicroHei"


@dataclass
class EmbeddedFont:
    """The full font's metrics (to lay text out) and, once `embed` ran, the font dictionary in a pypdf writer."""

    cmap: dict[int, int]          # code point -> glyph id
    advance: dict[int, int]       # glyph id -> advance width in font units
    units_per_em: int
    ascent: int
    descent: int
    bbox: tuple[int, int, int, int]
    used: set[int] = field(default_factory=set)
    ref: Any = None               # the indirect reference of the Type0 font, once reserved

    def gid(self, ch: str) -> int:
        return self.cmap.get(ord(ch), 0)

    def width(self, text: str, size: float) -> float:
        """The width of text at size, in points."""
        return sum(self.advance.get(self.gid(ch), self.units_per_em // 2) for ch in text) * size / self.units_per_em

    def encode(self, text: str) -> str:
        """The text as a PDF hex string of two-byte glyph ids (Identity-H), glyphs noted for the subset."""
        gids = [self.gid(ch) for ch in text]
        self.used.update(g for g in gids if g)
        return "<" + "".join(f"{g:04X}" for g in gids) + ">"

    def wrap(self, text: str, size: float, width: float, max_lines: int) -> list[str]:
        """Lines of at most `width` points: breaks at spaces, or between any two CJK characters; a last line cut
        short ends with an ellipsis."""
        lines: list[str] = []
        for para in text.splitlines() or [""]:
            line = ""
            for token in _tokens(para):
                trial = line + token
                if self.width(trial, size) <= width or not line or token in NO_LINE_START:
                    while self.width(trial, size) > width and len(trial) > 1:   # one token wider than the line
                        cut = len(trial)
                        while cut > 1 and self.width(trial[:cut], size) > width:
                            cut -= 1
                        lines.append(trial[:cut])
                        trial = trial[cut:]
                    line = trial
                else:
                    lines.append(line.rstrip())
                    line = token.lstrip()
            lines.append(line.rstrip())
        if len(lines) > max_lines:
            lines = lines[:max_lines]
            last = lines[-1]
            while last and self.width(last + "…", size) > width:
                last = last[:-1]
            lines[-1] = last + "…"
        return lines


# punctuation a Chinese line never starts with: it stays at the end of the line before, a little past the width
NO_LINE_START = set("，。、；：？！）】」』》〉”’%,.;:?!)]")


def _tokens(text: str) -> list[str]:
    """Words with their trailing space, and CJK characters one by one (a line may break after any of them)."""
    out: list[str] = []
    word = ""
    for ch in text:
        if ord(ch) >= 0x2E80:
            if word:
                out.append(word)
                word = ""
            out.append(ch)
        elif ch == " ":
            out.append(word + " ")
            word = ""
        else:
            word += ch
    if word:
        out.append(word)
    return out


def load_font() -> EmbeddedFont:
    from fontTools.ttLib import TTFont

    with font_path().open("rb") as fh:
        font = TTFont(fh, lazy=True)
        cmap = dict(font.getBestCmap())
        order = font.getGlyphOrder()
        index = {name: i for i, name in enumerate(order)}
        hmtx = font["hmtx"]
        head, hhea = font["head"], font["hhea"]
        advance = {index[name]: hmtx[name][0] for name in order}
        return EmbeddedFont(cmap={c: index[n] for c, n in cmap.items()}, advance=advance,
                            units_per_em=head.unitsPerEm, ascent=hhea.ascent, descent=hhea.descent,
                            bbox=(head.xMin, head.yMin, head.xMax, head.yMax))


def subset_bytes(gids: set[int]) -> bytes:
    """The font with only these glyphs' outlines, glyph ids unchanged (so the ids in the text stay valid)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    with font_path().open("rb") as fh:
        font = TTFont(fh)
        opts = subset.Options()
        opts.retain_gids = True
        opts.notdef_outline = True
        opts.hinting = False
        opts.layout_features = []
        opts.name_IDs = [0, 1, 2, 3, 4, 5, 6]
        sub = subset.Subsetter(opts)
        sub.populate(gids=sorted(gids | {0}))
        sub.subset(font)
        buf = io.BytesIO()
        font.save(buf)
    return buf.getvalue()


def reserve(writer, font: EmbeddedFont):
    """An indirect reference for the font dictionary, to name in appearance streams before the glyphs are known."""
    from pypdf.generic import DictionaryObject

    if font.ref is None:
        font.ref = writer._add_object(DictionaryObject())
    return font.ref


def embed(writer, font: EmbeddedFont) -> None:
    """Fill the reserved font dictionary: Type0, Identity-H, the CIDFontType2 with the subset, widths, ToUnicode."""
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    if font.ref is None:
        return
    scale = 1000 / font.units_per_em
    gids = sorted(font.used)
    data = subset_bytes(set(gids))
    file_stream = DecodedStreamObject()
    file_stream.set_data(data)
    file_stream[NameObject("/Length1")] = NumberObject(len(data))
    descriptor = DictionaryObject({
        NameObject("/Type"): NameObject("/FontDescriptor"),
        NameObject("/FontName"): NameObject("/" + FONT_NAME),
        NameObject("/Flags"): NumberObject(4),
        NameObject("/FontBBox"): ArrayObject([FloatObject(v * scale) for v in font.bbox]),
        NameObject("/ItalicAngle"): NumberObject(0),
        NameObject("/Ascent"): FloatObject(font.ascent * scale),
        NameObject("/Descent"): FloatObject(font.descent * scale),
        NameObject("/CapHeight"): FloatObject(font.ascent * scale * 0.8),
        NameObject("/StemV"): NumberObject(80),
        NameObject("/FontFile2"): writer._add_object(file_stream),
    })
    widths = ArrayObject()
    for g in gids:
        widths.append(NumberObject(g))
        widths.append(ArrayObject([FloatObject(round(font.advance.get(g, 0) * scale, 1))]))
    cid_font = DictionaryObject({
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/CIDFontType2"),
        NameObject("/BaseFont"): NameObject("/" + FONT_NAME),
        NameObject("/CIDSystemInfo"): DictionaryObject({
            NameObject("/Registry"): TextStringObject("Adobe"), NameObject("/Ordering"): TextStringObject("Identity"),
            NameObject("/Supplement"): NumberObject(0)}),
        NameObject("/FontDescriptor"): writer._add_object(descriptor),
        NameObject("/DW"): NumberObject(1000),
        NameObject("/W"): widths,
        NameObject("/CIDToGIDMap"): NameObject("/Identity"),
    })
    by_gid: dict[int, int] = {}
    for cp, g in font.cmap.items():
        if g in font.used and (g not in by_gid or cp < by_gid[g]):
            by_gid[g] = cp
    to_unicode = DecodedStreamObject()
    to_unicode.set_data(_to_unicode(by_gid).encode("ascii"))
    font_dict = font.ref.get_object()
    font_dict.update({
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/Type0"),
        NameObject("/BaseFont"): NameObject("/" + FONT_NAME),
        NameObject("/Encoding"): NameObject("/Identity-H"),
        NameObject("/DescendantFonts"): ArrayObject([writer._add_object(cid_font)]),
        NameObject("/ToUnicode"): writer._add_object(to_unicode),
    })


def _to_unicode(by_gid: dict[int, int]) -> str:
    lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
             "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
             "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def", "1 begincodespacerange", "<0000> <FFFF>",
             "endcodespacerange"]
    items = sorted(by_gid.items())
    for i in range(0, len(items), 100):
        chunk = items[i:i + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        for g, cp in chunk:
            u = chr(cp).encode("utf-16-be").hex().upper()
            lines.append(f"<{g:04X}> <{u}>")
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines)
