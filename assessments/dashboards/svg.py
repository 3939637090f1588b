"""Charts of the country profile drawn on the server as inline SVG: no JavaScript, so they
print and go into the PDF as vectors. Built with format_html; styled by attributes (the
PDF renderer does not apply stylesheets inside SVG).

A score's bar sits in its own table row, beside the number: the table is the chart, and
the PDF's text, read in order, gives each figure once, after its name."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

BAR_WIDTH, BAR_HEIGHT = 180, 10
TRACK, BAR_COLOUR = "#e3e8ee", "#0b5cad"
SERIES = {"overall": "#1d2733", "horizontal": "#0b5cad", "vertical": "#c26a00"}
FONT = 'font-family="DejaVu Sans"'


def _clamped(value, scale: float) -> float:
    return max(0.0, min(float(value), scale)) / scale


def bar(value: float | None, *, scale: float = 100) -> str:
    """One horizontal bar on 0–`scale` (an empty track where the value is missing)."""
    filled = 0 if value is None else round(BAR_WIDTH * _clamped(value, scale), 1)
    return format_html(
        '<svg class="bar" xmlns="http://www.w3.org/2000/svg" width="{0}" height="{1}" '
        'viewBox="0 0 {0} {1}" preserveAspectRatio="none" aria-hidden="true" focusable="false">'
        '<rect x="0" y="0" width="{0}" height="{1}" fill="{2}"/>'
        '<rect x="0" y="0" width="{3}" height="{1}" fill="{4}"/></svg>',
        BAR_WIDTH,
        BAR_HEIGHT,
        TRACK,
        filled,
        BAR_COLOUR,
    )


def trend_chart(history: list[dict], *, labels: dict[str, str]) -> str:
    """Overall, horizontal and vertical by cycle as grouped vertical bars, with its legend;
    the table below it carries the numbers."""
    if not history:
        return ""
    width, height, top, bottom, left = 600, 170, 8, 22, 30
    group = min(110.0, (width - left - 140) / len(history))
    step = (group - 14) / len(SERIES)
    plot = height - top - bottom

    def bars():
        for i, h in enumerate(history):
            x0 = left + i * group
            for j, (name, colour) in enumerate(SERIES.items()):
                value = h.get(name)
                tall = 0 if value is None else plot * _clamped(value, 100)
                yield format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                    round(x0 + j * step, 1),
                    round(top + plot - tall, 1),
                    round(step - 2, 1),
                    round(tall, 1),
                    colour,
                )
            yield format_html(
                '<text x="{}" y="{}" font-size="10" text-anchor="middle" fill="#1d2733" {}>{}'
                "</text>",
                round(x0 + (group - 14) / 2, 1),
                height - 6,
                SafeString(FONT),
                h["cycle"],
            )

    legend = format_html_join(
        "",
        '<rect x="{0}" y="{1}" width="10" height="10" fill="{2}"/>'
        '<text x="{3}" y="{4}" font-size="10" fill="#1d2733" ' + FONT + ">{5}</text>",
        (
            (width - 125, top + 15 * j, colour, width - 110, top + 15 * j + 9, labels[name])
            for j, (name, colour) in enumerate(SERIES.items())
        ),
    )
    axis = format_html(
        '<line x1="{0}" y1="{1}" x2="{2}" y2="{1}" stroke="#9aa5b1" stroke-width="1"/>'
        '<line x1="{0}" y1="{3}" x2="{2}" y2="{3}" stroke="#e3e8ee" stroke-width="1"/>',
        left - 4,
        top + plot,
        width - 140,
        top,
    )
    body = SafeString(axis + SafeString("".join(bars())) + legend)
    return format_html(
        '<svg class="trend" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {0} {1}" '
        'width="{0}" height="{1}" aria-hidden="true" focusable="false">{2}</svg>',
        width,
        height,
        body,
    )
