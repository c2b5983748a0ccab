"""Charts for the HTML pages as inline SVG, drawn on the server: no JavaScript library, nothing
to download at a venue with poor internet, and the page prints as it shows. The one bar chart
of the pages: the live board, the summary and the report across events (the PDFs draw with
reportlab's own, in summaries/pdf/layout.py).

Pure functions: numbers in, SVG text out (every label escaped). Colours are presentation
attributes, which the Content-Security-Policy allows (it forbids ``style=`` attributes).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from xml.sax.saxutils import escape, quoteattr

from tracker.times import clock

WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 16, 56
BAR = "#0b5c8a"
AXIS = "#4d5560"
GRID = "#d5d9de"
MAX_BAR = 48


def _nice_top(value: float) -> float:
    for top in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000, 20000):
        if value <= top:
            return top
    return value


def _frame(title: str, top: float, unit: str, body: list[str], chart_id: str) -> str:
    inner_h = HEIGHT - TOP - BOTTOM
    grid = []
    for i in range(5):
        value = top * i / 4
        y = TOP + inner_h - inner_h * i / 4
        label = f"{value:g}{unit}"
        grid.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{LEFT - 4}" y="{y + 3:.1f}" text-anchor="end" font-size="10" '
            f'fill="{AXIS}">{escape(label)}</text>'
        )
    return (
        f'<svg class="chart" id={quoteattr(chart_id)} viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label={quoteattr(title)} xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>{''.join(grid)}{''.join(body)}</svg>"
    )


def _x_label(x: float, text: str) -> str:
    y = HEIGHT - BOTTOM + 12
    return (
        f'<text x="{x:.1f}" y="{y}" font-size="10" fill="{AXIS}" text-anchor="end" '
        f'transform="rotate(-40 {x:.1f} {y})">{escape(text)}</text>'
    )


def bar_chart(
    values: Sequence[float],
    names: Sequence[str],
    title: str,
    chart_id: str,
    unit: str = "",
    top: float | None = None,
) -> str:
    """Bars with a value axis from 0; at most about 24 category labels are written. With up
    to 24 bars each carries its value above it too (read from the back of a room, on a
    projector, without the axis)."""
    if not values:
        return ""
    top = top or _nice_top(max(values) or 1)
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = inner_w / len(values)
    every = max(1, len(values) // 24)
    body = []
    for i, (value, name) in enumerate(zip(values, names, strict=True)):
        h = inner_h * min(value, top) / top
        x = LEFT + i * step
        bar = min(step * 0.8, MAX_BAR)  # one event's bar need not fill the chart
        body.append(
            f'<rect class="bar" x="{x + (step - bar) / 2:.1f}" y="{TOP + inner_h - h:.1f}" '
            f'width="{bar:.1f}" height="{h:.1f}" fill="{BAR}" data-value="{value:g}">'
            f"<title>{escape(name)}: {value:g}{escape(unit)}</title></rect>"
        )
        if i % every == 0:
            body.append(_x_label(x + step / 2, name))
        if len(values) <= 24 and value:
            body.append(
                f'<text class="bar-value" x="{x + step / 2:.1f}" y="{TOP + inner_h - h - 3:.1f}" '
                f'font-size="11" text-anchor="middle" fill="{AXIS}">{value:g}</text>'
            )
    return _frame(title, top, unit, body, chart_id)


def arrivals_chart(arrivals: Sequence[tuple[datetime, int]], tz: str, title: str) -> str:
    """Arrivals per bucket (attendance's ``arrivals``), labelled with their local start time;
    empty when nobody has arrived."""
    names = [clock(start, tz) for start, _count in arrivals]
    return bar_chart([n for _start, n in arrivals], names, title, "chart-arrivals")


def line_chart(
    values: Sequence[float | None],
    names: Sequence[str],
    title: str,
    chart_id: str,
    unit: str = "%",
    top: float = 100,
) -> str:
    """A line through the points that have a value (an event without the figure is skipped)."""
    points = [(i, v) for i, v in enumerate(values) if v is not None]
    if not points:
        return ""
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = inner_w / max(1, len(values))

    def xy(i: int, v: float) -> tuple[float, float]:
        return LEFT + step * (i + 0.5), TOP + inner_h - inner_h * min(v, top) / top

    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, v) for i, v in points))
    body = [f'<polyline points="{path}" fill="none" stroke="{BAR}" stroke-width="2"/>']
    for i, v in points:
        x, y = xy(i, v)
        body.append(
            f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{BAR}" '
            f'data-value="{v:g}"><title>{escape(names[i])}: {v:g}{escape(unit)}</title></circle>'
        )
    every = max(1, len(values) // 24)
    body += [_x_label(LEFT + step * (i + 0.5), n) for i, n in enumerate(names) if i % every == 0]
    return _frame(title, top, unit, body, chart_id)
