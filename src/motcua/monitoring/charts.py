"""Small server-side SVG charts: nothing is fetched at run time, and they print in the PDF.

Each chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` listing the
values, so a screen reader gets the numbers; pages also show them in a table.
"""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 24, 16, 52
AXIS = "#444444"
LINE = "#0b4f9c"
TARGET = "#a50e0e"
GRID = "#d9d9d9"


def _n(number: float) -> str:
    """A coordinate for SVG (format_html escapes its arguments, so numbers come as text)."""
    return f"{number:.1f}"


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    text = f"{value:.1f}".replace(".", ",")
    return f"{text}{unit}"


def line_chart(
    points: list[tuple[str, float | None]],
    *,
    title: str,
    unit: str = "%",
    top: float | None = None,
    target: float | None = None,
    chart_id: str = "chart",
    x_title: str = "",
    y_title: str = "",
) -> SafeString:
    """A line over ``points`` (label, value); gaps where a value is None.

    Both axes are drawn with their titles (default: "Tháng" and the unit), the target
    as a dashed line labelled at its right end, and each point carries a ``<title>``
    (the browser's tooltip: month and value)."""
    x_title = x_title or _("Tháng")
    y_title = y_title or (_("Tỷ lệ (%)") if unit == "%" else _("Giá trị"))
    values = [v for _label, v in points if v is not None]
    ceiling = top or max([*values, target or 0, 1]) * 1.1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(1, len(points) - 1)

    def x(i: int) -> float:
        return LEFT + i * step

    def y(v: float) -> float:
        return TOP + plot_h * (1 - min(v, ceiling) / ceiling)

    parts = []
    for k in range(5):  # grid lines and their values
        value = ceiling * k / 4
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>'
                '<text x="{}" y="{}" font-size="11" text-anchor="end">{}</text>',
                LEFT,
                _n(y(value)),
                WIDTH - RIGHT,
                _n(y(value)),
                GRID,
                LEFT - 4,
                _n(y(value) + 4),
                f"{value:.0f}" if ceiling >= 20 else _fmt(value, ""),
            )
        )
    for i, (label, _value) in enumerate(points):
        if len(points) <= 12 or i % 2 == 0:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="11" text-anchor="middle">{}</text>',
                    _n(x(i)),
                    HEIGHT - BOTTOM + 16,
                    label,
                )
            )
    if target is not None:
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" '
                'stroke-dasharray="6 4"/><text x="{}" y="{}" font-size="11" fill="{}" '
                'text-anchor="end">{}</text>',
                LEFT,
                _n(y(target)),
                WIDTH - RIGHT,
                _n(y(target)),
                TARGET,
                WIDTH - RIGHT,  # x: the label ends at the line's right end
                _n(y(target) - 4),  # y: just above the line
                TARGET,  # fill
                _("Chỉ tiêu %(value)s") % {"value": _fmt(target, unit)},
            )
        )
    segment: list[str] = []
    segments = []
    dots = []  # drawn over the line, so each point's tooltip is reachable
    parts.append(  # the axes and their titles
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>'
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>'
            '<text x="{}" y="{}" font-size="11" text-anchor="middle">{}</text>'
            '<text x="12" y="{}" font-size="11" text-anchor="middle" '
            'transform="rotate(-90 12 {})">{}</text>',
            LEFT,
            TOP,
            LEFT,
            HEIGHT - BOTTOM,
            AXIS,
            LEFT,
            HEIGHT - BOTTOM,
            WIDTH - RIGHT,
            HEIGHT - BOTTOM,
            AXIS,
            _n(LEFT + plot_w / 2),
            HEIGHT - 8,
            x_title,
            _n(TOP + plot_h / 2),
            _n(TOP + plot_h / 2),
            y_title,
        )
    )
    for i, (_label, value) in enumerate(points):
        if value is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        segment.append(f"{x(i):.1f},{y(value):.1f}")
        dots.append(
            format_html(
                '<circle cx="{}" cy="{}" r="4" fill="{}" tabindex="0"><title>{}</title></circle>',
                _n(x(i)),
                _n(y(value)),
                LINE,
                f"{_label}: {_fmt(value, unit)}",
            )
        )
    if segment:
        segments.append(segment)
    for seg in segments:
        if len(seg) > 1:
            parts.append(
                format_html(
                    '<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>',
                    " ".join(seg),
                    LINE,
                )
            )
    parts.extend(dots)
    desc = "; ".join(f"{label}: {_fmt(v, unit)}" for label, v in points)
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" '
        'role="img" aria-labelledby="{}-t {}-d">'
        '<title id="{}-t">{}</title><desc id="{}-d">{}</desc>{}</svg>',
        WIDTH,
        HEIGHT,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        desc,
        mark_safe("".join(parts)),  # noqa: S308 – every part was built with format_html
    )
