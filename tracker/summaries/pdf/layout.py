"""What the summary's and the report's PDFs share: fonts, styles, the A4 page, tables, charts.

Fonts: a Unicode TrueType font, found by ``tracker.pdf_fonts`` (shared with the badges).
Pure: no Flask.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import (
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    SimpleDocTemplate,
    Table,
    TableStyle,
)

from tracker.pdf_fonts import Fonts, fonts

__all__ = ["Fonts", "fonts"]  # where the summary's PDFs took them from before the move

BRAND = colors.HexColor("#0b5c8a")
LINE = colors.HexColor("#c4c9cf")
SHADE = colors.HexColor("#eef2f5")
MUTED = colors.HexColor("#4d5560")
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 15 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN
BOTTOM_MARGIN = MARGIN + 4 * mm
#: The landscape pages' template: ``NextPageTemplate(WIDE)`` before a PageBreak turns the
#: pages after it to A4 landscape, to the end of the document.
WIDE = "wide"
WIDE_WIDTH = landscape(A4)[0] - 2 * MARGIN
#: Left plus right padding of a table cell, in points (see table_style).
CELL_PADDING = 6


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle


@cache
def styles() -> Styles:
    f = fonts()

    def style(name: str, size: float, font: str = f.regular, **extra: Any) -> ParagraphStyle:
        return ParagraphStyle(
            name, fontName=font, fontSize=size, leading=size * 1.25, alignment=TA_LEFT, **extra
        )

    return Styles(
        title=style("title", 16, f.bold, spaceAfter=2 * mm, textColor=BRAND),
        subtitle=style("subtitle", 10, textColor=MUTED, spaceAfter=4 * mm),
        h2=style("h2", 13, f.bold, spaceBefore=5 * mm, spaceAfter=2 * mm, textColor=BRAND),
        h3=style("h3", 10.5, f.bold, spaceBefore=3 * mm, spaceAfter=1.5 * mm),
        body=style("body", 9.5, spaceAfter=1.5 * mm),
        small=style("small", 8, textColor=MUTED, spaceAfter=1 * mm),
        cell=style("cell", 8.5),
        cell_bold=style("cell_bold", 8.5, f.bold),
    )


def para(text: str, style: ParagraphStyle | None = None) -> Paragraph:
    """A paragraph of plain text (escaped: a participant named "<b>" stays text)."""
    return Paragraph(escape(text).replace("\n", "<br/>"), style or styles().body)


@cache
def _char_widths(font: str) -> tuple[dict[int, float], float] | None:
    """A TrueType font's advance widths (per 1000 units of size); None for the core fonts."""
    face = getattr(pdfmetrics.getFont(font), "face", None)
    if face is None or not hasattr(face, "charWidths"):
        return None
    # reportlab's own table, only read here: a copy kept 1.2 MB more per font for good.
    return face.charWidths, float(face.defaultWidth)


def text_width(text: str, font: str, size: float) -> float:
    """reportlab's stringWidth, several times faster for TrueType: a dict look-up per letter."""
    widths = _char_widths(font)
    if widths is None:
        return pdfmetrics.stringWidth(text, font, size)
    table_, default = widths
    return sum(table_.get(ord(c), default) for c in text) * size / 1000


#: Entries kept by ``wrapped``: enough for every agency and position of a big event; the names
#: (nearly all different) pass through instead of staying in the worker after the export.
WRAPPED_CACHE = 4096


@lru_cache(maxsize=WRAPPED_CACHE)
def wrapped(text: str, width: float, font: str, size: float) -> str:
    """``text`` broken into lines no wider than ``width`` points (a long word is cut).

    A plain string with newlines, which a Table cell draws line by line: many times cheaper
    than a Paragraph, which the attendance list of 20,000 rows cannot afford in every cell.
    Agencies and positions repeat, hence the cache.
    """
    if text_width(text, font, size) <= width:
        return text
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if text_width(candidate, font, size) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while text_width(word, font, size) > width and len(word) > 1:
            cut = len(word) - 1
            while cut > 1 and text_width(word[:cut], font, size) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    return "\n".join(lines)


def fit(text: str, width: float, style: ParagraphStyle | None = None) -> str:
    """``text`` wrapped to a table column ``width`` points wide (less the cell's padding)."""
    style = style or styles().cell
    return wrapped(text, width - CELL_PADDING, style.fontName, style.fontSize)


def table_style(header: bool = True, zebra: bool = False, rows: int = 0) -> TableStyle:
    f, s = fonts(), styles()
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), f.regular, s.cell.fontSize),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.4, LINE),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        commands += [
            ("FONT", (0, 0), (-1, 0), f.bold, s.cell.fontSize),
            ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ]
    if zebra:
        commands += [
            ("BACKGROUND", (0, r), (-1, r), colors.HexColor("#f8f9fa")) for r in range(2, rows, 2)
        ]
    return TableStyle(commands)


def table(
    data: Sequence[Sequence[Any]],
    widths: Sequence[float],
    header: bool = True,
    numeric_from: int | None = None,
) -> Table:
    """A grid table; columns from ``numeric_from`` on are right-aligned numbers.

    Header cells wrap (a translated heading may be longer than its column).
    """
    rows = [list(r) for r in data]
    if header and rows:
        rows[0] = [para(c, styles().cell_bold) if isinstance(c, str) else c for c in rows[0]]
    t = Table(rows, colWidths=list(widths), repeatRows=1 if header else 0)
    t.setStyle(table_style(header))
    if numeric_from is not None:
        t.setStyle(TableStyle([("ALIGN", (numeric_from, 0), (-1, -1), "RIGHT")]))
    return t


def bar_chart(
    values: Sequence[float],
    names: Sequence[str],
    title: str,
    width: float = FRAME_WIDTH,
    height: float = 60 * mm,
    value_max: float | None = None,
    every: int = 1,
) -> Drawing:
    """A vertical bar chart; every ``every``-th category is labelled (the rest would overlap)."""
    f = fonts()
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 12 * mm, 14 * mm
    chart.width, chart.height = width - 16 * mm, height - 22 * mm
    chart.data = [list(values) or [0]]
    chart.categoryAxis.categoryNames = [
        name if i % every == 0 else "" for i, name in enumerate(names)
    ] or [""]
    chart.categoryAxis.labels.fontName = f.regular
    chart.categoryAxis.labels.fontSize = 6.5
    chart.categoryAxis.labels.angle = 60 if len(names) > 8 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(names) > 8 else "n"
    chart.valueAxis.labels.fontName = f.regular
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    top = value_max if value_max is not None else max([*values, 1])
    chart.valueAxis.valueMax = top
    chart.valueAxis.valueStep = _step(top)
    chart.bars[0].fillColor = BRAND
    chart.bars[0].strokeColor = None
    chart.barSpacing = 0.5
    drawing.add(chart)
    drawing.add(String(0, height - 4 * mm, title, fontName=f.bold, fontSize=8.5))
    return drawing


def _step(top: float) -> float:
    """A round value-axis step giving at most about six ticks."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if top / step <= 6:
            return step
    return max(1.0, round(top / 6))


class Later(Flowable):
    """Flowables made only when the layout reaches them, in a document from ``document()``.

    platypus takes a list and keeps every flowable in it until it is drawn; a list of 13,000
    people as tables, each cell with its own style object, is 40-50 MB held at once (and kept
    by the worker's allocator afterwards). In their place this stands in the story and the
    document takes the next flowable from it each time it comes to the front.
    """

    def __init__(self, flowables: Iterable[Flowable]) -> None:
        super().__init__()
        self.pending = iter(flowables)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        # Only reached in a document that does not know it: its flowables would be lost.
        raise TypeError("Later works only in a document made by layout.document()")


class _Document(SimpleDocTemplate):
    def handle_documentBegin(self) -> None:  # noqa: N802 - platypus's hook
        """Adds the landscape pages (WIDE) to the portrait ones SimpleDocTemplate.build made,
        with the same footer as the later pages."""
        if all(t.id != WIDE for t in self.pageTemplates):
            width, height = landscape(A4)
            frame = Frame(MARGIN, BOTTOM_MARGIN, WIDE_WIDTH, height - MARGIN - BOTTOM_MARGIN)
            later = self.pageTemplates[-1].onPage
            self.addPageTemplates(
                [PageTemplate(WIDE, [frame], onPage=later, pagesize=(width, height))]
            )
        super().handle_documentBegin()

    def handle_pageBegin(self) -> None:  # noqa: N802 - platypus's hook
        """SimpleDocTemplate sends every page after the first back to portrait ("Later");
        a landscape page keeps the pages after it landscape."""
        self._handle_pageBegin()
        if self.pageTemplate.id != WIDE:
            self._handle_nextPageTemplate("Later")

    def filterFlowables(self, flowables: list[Any]) -> None:  # noqa: N802 - platypus's hook
        """Before platypus lays out the front of the story: a ``Later`` there gives its next
        flowable, placed in front of it, or, spent, is dropped (platypus skips a None)."""
        first = flowables[0]
        if isinstance(first, Later):
            following = next(first.pending, None)
            if following is None:
                flowables[0] = None
            else:
                flowables.insert(0, following)


def document(
    buffer: Any, title: str, footer: Callable[[int], str]
) -> tuple[SimpleDocTemplate, Callable[..., None]]:
    """An A4 document and the page callback that writes ``footer(page_number)`` on each page.
    The story may hold ``Later`` flowables, and turn to landscape with
    ``NextPageTemplate(WIDE)``."""
    doc = _Document(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=BOTTOM_MARGIN,
        title=title,
        author="tracker",
    )
    f = fonts()

    def on_page(canvas: Any, doc_: Any) -> None:
        canvas.saveState()
        canvas.setFont(f.regular, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, MARGIN - 2 * mm, footer(doc_.page))
        canvas.restoreState()

    return doc, on_page
