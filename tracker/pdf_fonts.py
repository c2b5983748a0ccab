"""The fonts of the PDFs (the summary, the report, the badges): names of people and agencies may
carry any letter, so a Unicode TrueType font is embedded. DejaVu Sans is used where Debian's
fonts-dejavu-core put it (or where ``SUMMARY_PDF_FONT_DIR`` points); else Bitstream Vera, which
ships inside the reportlab wheel itself, so any machine with reportlab installed has it (it
covers Latin-1, enough for most Indonesian names); only if both fail are the PDF core fonts
(Helvetica) used. ``drawable`` leaves out what the chosen font cannot draw (an emoji), which a
PDF would otherwise show as a black box. Pure: no Flask.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

DEJAVU_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu")


@dataclass(frozen=True)
class Fonts:
    regular: str
    bold: str


def _font_dirs() -> list[str]:
    extra = os.environ.get("SUMMARY_PDF_FONT_DIR", "")
    return [d for d in (extra, *DEJAVU_DIRS) if d]


def _register(name: str, regular: str, bold: str) -> Fonts:
    pdfmetrics.registerFont(TTFont(name, regular))
    pdfmetrics.registerFont(TTFont(f"{name}-Bold", bold))
    pdfmetrics.registerFontFamily(name, normal=name, bold=f"{name}-Bold")
    return Fonts(name, f"{name}-Bold")


@cache
def fonts() -> Fonts:
    """The best font available, registered once per process."""
    for folder in _font_dirs():
        regular, bold = Path(folder, "DejaVuSans.ttf"), Path(folder, "DejaVuSans-Bold.ttf")
        if regular.is_file() and bold.is_file():
            try:
                return _register("SummaryDejaVu", str(regular), str(bold))
            except TTFError:
                continue
    try:  # reportlab finds these in its own package folder (rl_config.TTFSearchPath)
        return _register("SummaryVera", "Vera.ttf", "VeraBd.ttf")
    except TTFError:
        return Fonts("Helvetica", "Helvetica-Bold")


def _has_glyph(font: str, char: str) -> bool:
    face = getattr(pdfmetrics.getFont(font), "face", None)
    if face is None or not hasattr(face, "charToGlyph"):  # a core font: Windows-1252
        try:
            char.encode("cp1252")
        except UnicodeEncodeError:
            return False
        return True
    return ord(char) in face.charToGlyph


def drawable(text: str, font: str) -> str:
    """``text`` as ``font`` can draw it: a letter it lacks is written without its accent when
    that helps ("Ś" -> "S" in a core font), what it cannot draw at all (an emoji, a joiner) is
    left out, and the spaces are tidied."""
    out = []
    for char in text:
        if char.isspace():
            out.append(" ")
        elif _has_glyph(font, char):
            out.append(char)
        else:
            base = unicodedata.normalize("NFKD", char)
            out.append(
                "".join(
                    c
                    for c in base
                    if not unicodedata.combining(c) and c != char and _has_glyph(font, c)
                )
            )
    return " ".join("".join(out).split())
