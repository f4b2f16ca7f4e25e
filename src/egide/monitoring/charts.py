"""Charts drawn on the server as small SVG (no script, no library): horizontal bars, a trend
line and a progress gauge. Each chart is an image with a title; the page puts its data table
next to it (screen readers and printing read the table). Hidden figures draw nothing and are
labelled as shown ("<5", "x")."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from egide.monitoring.computation import Row

BAR = "#1f5f99"
MUTED = "#6b6b6b"
GOOD = "#1a7f37"
WIDTH = 320


def _open(width: int, height: int, title: str, ident: str) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" '
        'role="img" aria-labelledby="{}" class="chart"><title id="{}">{}</title>',
        width,
        height,
        ident,
        ident,
        title,
    )


def bars(rows: Sequence[Row], title: str, ident: str) -> SafeString:
    """One horizontal bar per row, its label above it and the value as shown at its end."""
    step = 34
    height = max(step * len(rows), step)
    numbers = [r.value for r in rows if isinstance(r.value, int | float)]
    top = max([*numbers, 1])
    span = WIDTH - 48
    parts = [_open(WIDTH, height, title, ident)]
    for i, row in enumerate(rows):
        y = i * step
        length = 0 if not isinstance(row.value, int | float) else round(span * row.value / top)
        parts.append(
            format_html(
                '<text x="0" y="{}" font-size="12">{}</text>'
                '<rect x="0" y="{}" width="{}" height="12" fill="{}"></rect>'
                '<text x="{}" y="{}" font-size="12">{}</text>',
                y + 12,
                row.label,
                y + 17,
                max(length, 1 if length else 0),
                BAR,
                length + 4,
                y + 28,
                row.text,
            )
        )
    parts.append(mark_safe("</svg>"))  # noqa: S308 - constant markup
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 - parts escaped above


def trend(rows: Sequence[Row], title: str, ident: str) -> SafeString:
    """A line through the periods' values; a hidden value breaks the line."""
    height, left, right, top_pad, bottom = 96, 8, 8, 16, 22
    numbers = [r.value for r in rows if isinstance(r.value, int | float)]
    top = max([*numbers, 1])
    n = max(len(rows) - 1, 1)
    inner_w = WIDTH - left - right
    inner_h = height - top_pad - bottom
    points: list[tuple[float, float] | None] = []
    for i, r in enumerate(rows):
        x = left + inner_w * i / n
        points.append(
            None
            if not isinstance(r.value, int | float)
            else (x, top_pad + inner_h - inner_h * r.value / top)
        )
    parts = [_open(WIDTH, height, title, ident)]
    segment: list[tuple[float, float]] = []
    segments = []
    for p in points:
        if p is None:
            if segment:
                segments.append(segment)
            segment = []
        else:
            segment.append(p)
    if segment:
        segments.append(segment)
    for seg in segments:
        parts.append(
            format_html(
                '<polyline fill="none" stroke="{}" stroke-width="2" points="{}"></polyline>',
                BAR,
                " ".join(f"{x:.0f},{y:.0f}" for x, y in seg),
            )
        )
    for i, (r, p) in enumerate(zip(rows, points, strict=True)):
        x = left + inner_w * i / n
        anchor = "start" if i == 0 else ("end" if i == len(rows) - 1 else "middle")
        if p is not None:
            parts.append(
                format_html(
                    '<circle cx="{}" cy="{}" r="3" fill="{}"></circle>', round(p[0]), round(p[1]), BAR
                )
            )
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="11" text-anchor="{}" fill="{}">{}: {}</text>',
                round(x),
                height - 6,
                anchor,
                MUTED,
                r.label,
                r.text,
            )
        )
    parts.append(mark_safe("</svg>"))  # noqa: S308 - constant markup
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 - parts escaped above


def gauge(percent: float | None, title: str, ident: str) -> SafeString:
    """A progress bar towards the target (100 %); beyond it the bar is full and green."""
    height = 22
    share = 0.0 if percent is None else max(0.0, min(percent, 100.0))
    filled = round((WIDTH - 60) * share / 100)
    label = "—" if percent is None else f"{percent:.0f} %"
    return mark_safe(  # noqa: S308 - every part escaped by format_html
        str(_open(WIDTH, height, title, ident))
        + str(
            format_html(
                '<rect x="0" y="4" width="{}" height="14" fill="#e6e6e6"></rect>'
                '<rect x="0" y="4" width="{}" height="14" fill="{}"></rect>'
                '<text x="{}" y="16" font-size="12">{}</text></svg>',
                WIDTH - 60,
                filled,
                GOOD if percent is not None and percent >= 100 else BAR,
                WIDTH - 54,
                label,
            )
        )
    )


__all__ = ["bars", "format_html_join", "gauge", "trend"]
