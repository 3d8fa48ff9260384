"""OCR engines behind one interface: an engine reads a page image (PIL, grayscale or RGB) and returns its words
with their boxes in the image's pixels and a confidence (0-100). Which engine read a page, its version and its
settings are part of the cache key.

- ``rapidocr`` (default): PP-OCR detection and recognition models shipped inside the rapidocr wheel, run on
  onnxruntime. Nothing is downloaded: the engine is built from the model files in the wheel, and refuses to
  start (with the reason) when they are missing rather than fetch them.
- ``tesseract``: the Tesseract program (TSV output), for those who have it installed with its Chinese model.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol

ENGINES = ("rapidocr", "tesseract")
DEFAULT_ENGINE = "rapidocr"


@dataclass
class Word:
    """A word (or, from rapidocr, a single character of Chinese) read from a page image, in pixels."""
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    conf: float | None          # 0-100
    line: int = 0               # the engine's text line it belongs to
    space: bool = True          # a space before it on its line (the engine printed one)

    def to_json(self) -> list:
        return [self.text, round(self.x0, 1), round(self.top, 1), round(self.x1, 1), round(self.bottom, 1),
                None if self.conf is None else round(self.conf, 2), self.line, int(self.space)]

    @staticmethod
    def from_json(v: list) -> Word:
        return Word(str(v[0]), float(v[1]), float(v[2]), float(v[3]), float(v[4]),
                    None if v[5] is None else float(v[5]), int(v[6]), bool(v[7]))


class EngineUnavailable(Exception):
    """The engine cannot run here; the message says why and how to get it."""


class Engine(Protocol):
    name: str

    @property
    def version(self) -> str: ...

    def read(self, image: Any) -> list[Word]:
        """The words of a deskewed, upright page image."""
        ...

    def upside_down(self, image: Any) -> bool | None:
        """Whether the page's text is printed upside down (None: the engine cannot tell)."""
        ...

    def sideways(self, image: Any) -> bool | None:
        """Whether the page's text lines run top to bottom (None: the engine cannot tell)."""
        ...

    def read_crop(self, image: Any) -> tuple[str, float | None] | None:
        """The text of a small crop holding one short line (a table cell), with its confidence."""
        ...


def get_engine(name: str | None = None) -> Engine:
    """The engine by name (AUDITOR_OCR_ENGINE, else rapidocr); raises EngineUnavailable with the reason."""
    name = (name or os.environ.get("AUDITOR_OCR_ENGINE") or DEFAULT_ENGINE).lower()
    if name not in ENGINES:
        raise EngineUnavailable(f"unknown OCR engine {name!r}: choose one of {', '.join(ENGINES)}")
    return _engine(name)


@cache
def _engine(name: str) -> Engine:
    """One engine of each kind per process (loading rapidocr's models takes half a second)."""
    return RapidEngine() if name == "rapidocr" else TesseractEngine()


# ---------------------------------------------------------------- rapidocr

DET_SIDE = 1152        # text is detected on the page scaled to this long side (A4 at ~100 dpi): as reliable as the
                       # full page for 8-point text and 3x faster; text is recognised from the full-resolution page
TEXT_SCORE = 0.5       # lines recognised with less are dropped (specks of noise, fragments of a stamp)


class RapidEngine:
    name = "rapidocr"

    def __init__(self) -> None:
        try:
            import rapidocr
            from rapidocr import RapidOCR
        except ImportError as e:
            raise EngineUnavailable(f"the rapidocr engine is not installed ({e}): pip install rapidocr onnxruntime"
                                    ) from e
        models = Path(rapidocr.__file__).parent / "models"
        if not any(models.glob("*det*.onnx")) or not any(models.glob("*rec*.onnx")):
            # rapidocr would download them: this tool never goes to the network at run time
            raise EngineUnavailable(f"rapidocr's models are not in {models} (a wheel without them?); reinstall "
                                    f"rapidocr from PyPI, whose wheel ships them")
        self._version = getattr(rapidocr, "__version__", None) or _dist_version("rapidocr")
        threads = int(os.environ.get("AUDITOR_OCR_THREADS", "0")) or -1
        self._ocr = RapidOCR(params={
            "Global.log_level": "error", "Global.return_word_box": True, "Global.return_single_char_box": True, "Global.max_side_len": 10000,
            "Global.min_side_len": 16, "Global.text_score": TEXT_SCORE,
            "Det.limit_type": "max", "Det.limit_side_len": DET_SIDE,
            "EngineConfig.onnxruntime.intra_op_num_threads": threads,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1 if threads == -1 else threads,
        })

    @property
    def version(self) -> str:
        return f"rapidocr {self._version} det{DET_SIDE} s{TEXT_SCORE} chars"

    def read(self, image: Any) -> list[Word]:
        import numpy as np

        out: Any = self._ocr(np.asarray(image.convert("RGB")), use_det=True, use_cls=False, use_rec=True)
        txts = getattr(out, "txts", None)
        if not txts or getattr(out, "boxes", None) is None:
            return []
        words: list[Word] = []
        results = list(getattr(out, "word_results", None) or ())
        for k, (box, txt, score) in enumerate(zip(out.boxes, txts, out.scores)):
            parts = results[k] if k < len(results) and len(results) == len(txts) else None
            if not parts:
                xs, ys = [p[0] for p in box], [p[1] for p in box]
                words.append(Word(str(txt), float(min(xs)), float(min(ys)), float(max(xs)), float(max(ys)),
                                  float(score) * 100, k))
                continue
            ys = [p[1] for p in box]
            top, bottom = float(min(ys)), float(max(ys))      # every word of a line gets the line's height
            line, cursor = str(txt), 0
            for text, wscore, wbox in parts:
                text = str(text).strip()
                if not text:
                    continue
                at = line.find(text, cursor)
                space = at > cursor and not line[cursor:at].strip() if at >= 0 else True
                cursor = at + len(text) if at >= 0 else cursor
                xs = [p[0] for p in wbox]
                words.append(Word(text, float(min(xs)), top, float(max(xs)), bottom, min(float(wscore), 1.0) * 100, k,
                                  space))
        return words

    def read_crop(self, image: Any) -> tuple[str, float | None] | None:
        import numpy as np

        framed = _framed(image, max(8, image.height // 2))
        out: Any = self._ocr(np.asarray(framed.convert("RGB")), use_det=False, use_cls=False, use_rec=True)
        txts = getattr(out, "txts", None)
        if not txts:
            return None
        scores = getattr(out, "scores", None) or [None]
        score = scores[0]
        return str(txts[0]), None if score is None else min(float(score), 1.0) * 100

    def _boxes(self, image: Any, side: int = 1000) -> tuple[Any, Any]:
        """The text-line boxes detected on the page reduced to `side` pixels (and the reduced page)."""
        import numpy as np

        small = image.convert("RGB")
        k = side / max(small.size)
        if k < 1:
            small = small.resize((round(small.width * k), round(small.height * k)))
        arr = np.asarray(small)
        det = self._ocr(arr, use_det=True, use_cls=False, use_rec=False)
        boxes = getattr(det, "boxes", None)
        return (boxes if boxes is not None else []), arr

    def sideways(self, image: Any) -> bool | None:
        """Most of the detected text lines (by area) are taller than wide. Lines are detected on the page reduced
        to 640 pixels: as right as at 1000 on the 20 ambiguous pages of the scan fixtures, in half the time."""
        boxes, _ = self._boxes(image, 640)
        wide = tall = 0.0
        for b in boxes:
            w = max(p[0] for p in b) - min(p[0] for p in b)
            h = max(p[1] for p in b) - min(p[1] for p in b)
            if w > 1.5 * h:
                wide += w * h
            elif h > 1.5 * w:
                tall += w * h
        if wide + tall == 0:
            return None
        return tall > wide

    def upside_down(self, image: Any) -> bool | None:
        """Detect the lines of a reduced page, classify the widest (0 or 180 degrees): most upside down."""
        boxes, arr = self._boxes(image, 1200)
        if len(boxes) == 0:
            return None
        wide = sorted(boxes, key=lambda b: -(max(p[0] for p in b) - min(p[0] for p in b)))[:12]
        crops = []
        for b in wide:
            x0, x1 = int(min(p[0] for p in b)), int(max(p[0] for p in b))
            y0, y1 = int(min(p[1] for p in b)), int(max(p[1] for p in b))
            if x1 - x0 > 2 * (y1 - y0) > 0:
                crops.append(arr[max(0, y0):y1, max(0, x0):x1])
        if not crops:
            return None
        votes = 0
        for crop in crops:
            res = self._ocr(crop, use_det=False, use_cls=True, use_rec=False)
            labels = getattr(res, "cls_res", None) or []
            for label, score in labels:
                if score >= 0.8:
                    votes += 1 if str(label) == "180" else -1
        return votes > 0


def _framed(image: Any, pad: int) -> Any:
    """A crop set in white margins: recognisers read a word better with paper around it."""
    from PIL import Image

    out = Image.new("L", (image.width + 2 * pad, image.height + 2 * pad), 255)
    out.paste(image.convert("L"), (pad, pad))
    return out


def _dist_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "?"


# ---------------------------------------------------------------- tesseract

TESSERACT_HINT = ("install Tesseract with Chinese (Debian/Ubuntu: apt-get install tesseract-ocr "
                  "tesseract-ocr-chi-sim), or use the default engine (--ocr-engine rapidocr)")


def _cjk_edge(a: str, b: str) -> bool:
    """Two CJK characters meet (Tesseract puts a space between Chinese words; the print has none)."""
    from ..document import CJK

    return bool(CJK.match(a)) and bool(CJK.match(b))


def tesseract_path() -> str | None:
    import shutil  # (the process and folder modules are imported when an engine is used: not on every check)

    return os.environ.get("AUDITOR_TESSERACT") or shutil.which("tesseract")


class TesseractEngine:
    name = "tesseract"

    def __init__(self) -> None:
        exe = tesseract_path()
        if exe is None:
            raise EngineUnavailable(f"Tesseract is not installed: {TESSERACT_HINT}")
        self.exe = exe
        import subprocess

        try:
            out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30)
            ver = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.SubprocessError) as e:
            raise EngineUnavailable(f"Tesseract ({exe}) does not run: {e}") from e
        langs = {x.strip() for x in (out.stdout + out.stderr).splitlines()[1:] if x.strip()}
        if "chi_sim" not in langs:
            raise EngineUnavailable(f"Tesseract has no Chinese model (chi_sim): {TESSERACT_HINT}")
        self.lang = "chi_sim+eng" if "eng" in langs else "chi_sim"
        self.osd = "osd" in langs
        first = (ver.stdout or ver.stderr).splitlines()
        self._version = first[0].strip() if first else "tesseract"

    @property
    def version(self) -> str:
        return self._version

    def read(self, image: Any) -> list[Word]:
        return self._run(image, "3")

    def _run(self, image: Any, psm: str) -> list[Word]:
        import subprocess
        import tempfile

        with tempfile.TemporaryDirectory(prefix="auditor-ocr-") as tmp:
            png = Path(tmp) / "page.png"
            image.convert("L").save(png)
            proc = subprocess.run([self.exe, str(png), "stdout", "-l", self.lang, "--psm", psm, "tsv"],
                                  capture_output=True, text=True, timeout=600,
                                  env={**os.environ, "OMP_THREAD_LIMIT": "1"})
        words: list[Word] = []
        for row in proc.stdout.splitlines()[1:]:
            f = row.split("\t")
            if len(f) < 12 or f[0] != "5" or not f[11].strip():
                continue
            left, top, width, height = (int(x) for x in f[6:10])
            conf = float(f[10])
            line = int(f[2]) * 1_000_000 + int(f[3]) * 1000 + int(f[4])
            text = f[11].strip()
            space = not (words and words[-1].line == line and _cjk_edge(words[-1].text[-1], text[0]))
            words.append(Word(text, left, top, left + width, top + height, conf if conf >= 0 else None, line, space))
        return words

    def sideways(self, image: Any) -> bool | None:
        return None           # the pixels decide (image.line_direction)

    def read_crop(self, image: Any) -> tuple[str, float | None] | None:
        words = self._run(_framed(image, 12), "7")
        if not words:
            return None
        confs = [w.conf for w in words if w.conf is not None]
        return " ".join(w.text for w in words), (min(confs) if confs else None)

    def upside_down(self, image: Any) -> bool | None:
        if not self.osd:
            return None
        import subprocess
        import tempfile

        with tempfile.TemporaryDirectory(prefix="auditor-ocr-") as tmp:
            png = Path(tmp) / "page.png"
            image.convert("L").save(png)
            proc = subprocess.run([self.exe, str(png), "stdout", "--psm", "0"], capture_output=True, text=True,
                                  timeout=120)
        for line in proc.stdout.splitlines():
            if line.startswith("Rotate:"):
                return line.split(":")[1].strip() == "180"
        return None
