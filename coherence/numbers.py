"""Numbers as people read them: one rule for every page, table, chart label and hover —
scores with one decimal, coverage as a whole per cent — in the reader's locale (61,9 in
French). Exports and the API keep the published figures unchanged."""

import math
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils.formats import get_format, number_format
from django.utils.translation import pgettext

SCORE_PLACES = 1  # scores, divergence and spreads on screen
PERCENT_PLACES = 0  # coverage on screen, in per cent
# The same rule as Plotly's d3 formats, for the figures charts format themselves.
SCORE_D3 = ".1f"
PERCENT_D3 = ".0f"
MISSING = "—"


def _missing(value) -> bool:
    if value is None or isinstance(value, bool):
        return value is None
    try:
        return math.isnan(float(value)) or math.isinf(float(value))
    except (TypeError, ValueError):
        return True


def rounded(value, places: int) -> Decimal:
    """Half away from zero, as the published figures are (DESIGN §4)."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def _fixed(value, places: int) -> str:
    """number_format(rounded(value, places), places), which a table of 200 countries calls
    thousands of times: without thousands grouping (off in settings) it is the plain
    figure, zero unsigned, with the locale's decimal mark."""
    number = rounded(value, places)
    if settings.USE_THOUSAND_SEPARATOR:
        return number_format(number, places)
    text = f"{number if number else abs(number):f}"
    return text.replace(".", get_format("DECIMAL_SEPARATOR")) if places else text


def score_text(value) -> str:
    """A score (0–100), a divergence or a spread: one decimal, in the reader's locale."""
    if _missing(value):
        return MISSING
    return _fixed(value, SCORE_PLACES)


def percent_text(fraction) -> str:
    """A coverage given as a fraction 0–1, as a whole per cent: "90 %" in French."""
    if _missing(fraction):
        return MISSING
    value = _fixed(float(fraction) * 100, PERCENT_PLACES)
    return pgettext("a percentage", "%(value)s%%") % {"value": value}


def count_text(value) -> str:
    """A whole number (instruments, assessments), grouped as the locale groups them."""
    if _missing(value):
        return MISSING
    return number_format(int(value), 0, force_grouping=True)


def plotly_separators() -> str:
    """Plotly's `separators` layout value: the locale's decimal then thousands mark."""
    return f"{get_format('DECIMAL_SEPARATOR')}{get_format('THOUSAND_SEPARATOR')}"
