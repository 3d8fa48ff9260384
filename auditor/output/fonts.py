"""The Chinese font the outputs carry with them: the glyphs a page uses, cut from the WenQuanYi Micro Hei subset in
auditor/data/fonts (Apache-2.0), so Chinese shows where the reader has no Chinese font installed."""
from __future__ import annotations

import base64
import io
from functools import lru_cache
from importlib import resources

FAMILY = "AuditorCJK"
FONT = "data/fonts/wqy-microhei-gb2312.ttf"
# the ranges the embedded font is used for (Latin text keeps the reader's own font)
CJK_RANGES = ((0x2E80, 0x2FFF), (0x3000, 0x303F), (0x3040, 0x9FFF), (0xF900, 0xFAFF), (0xFE30, 0xFE4F),
              (0xFF00, 0xFFEF))
UNICODE_RANGE = ", ".join(f"U+{lo:04X}-{hi:04X}" for lo, hi in CJK_RANGES)


def cjk_chars(text: str) -> str:
    """The distinct characters of text the embedded font is for, sorted."""
    return "".join(sorted({ch for ch in text if any(lo <= ord(ch) <= hi for lo, hi in CJK_RANGES)}))


def font_path():
    return resources.files("auditor").joinpath(FONT)


@lru_cache(maxsize=16)
def subset_ttf(chars: str) -> bytes:
    """A TrueType font holding only these characters' glyphs (and .notdef)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    with resources.as_file(font_path()) as path:
        font = TTFont(str(path), lazy=True)
        opts = subset.Options()
        opts.layout_features = []
        opts.hinting = False
        opts.notdef_outline = True
        opts.name_IDs = [0, 1, 2, 3, 4, 5, 6]
        sub = subset.Subsetter(opts)
        sub.populate(text=chars)
        sub.subset(font)
        buf = io.BytesIO()
        font.save(buf)
    return buf.getvalue()


def font_face_css(text: str) -> str:
    """An @font-face rule embedding the glyphs of text's Chinese characters (empty when it has none)."""
    chars = cjk_chars(text)
    if not chars:
        return ""
    data = base64.b64encode(subset_ttf(chars)).decode("ascii")
    return (f"@font-face{{font-family:{FAMILY};src:url(data:font/ttf;base64,{data}) format('truetype');"
            f"unicode-range:{UNICODE_RANGE};font-display:block}}")
