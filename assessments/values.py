"""Answer values: parsed from what a person types or a file holds, checked against the
indicator's answer type, and written back the same way (DESIGN §3, §5).

Stored values: yes_no 1/0, three_level 0/5/10, scale 0–4, percent 0–100; `na` marks
"not applicable"; no value and not `na` is unanswered.
"""

import math

from django.utils.translation import gettext as _

from coherence.choices import AnswerType

NA_TOKENS = {"n/a", "na"}
_YES = {"yes", "1"}
_NO = {"no", "0"}

ALLOWED_VALUES = {
    AnswerType.YES_NO: "yes, no",
    AnswerType.THREE_LEVEL: "0, 5, 10",
    AnswerType.SCALE: "0, 1, 2, 3, 4",
    AnswerType.PERCENT: "a number from 0 to 100",
}


class InvalidValue(ValueError):
    """A value that does not fit its indicator; the message says why."""


def _number(text: str) -> float | None:
    try:
        number = float(text.replace(",", ".", 1) if text.count(",") == 1 else text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def parse_value(answer_type: str, allow_na: bool, raw) -> tuple[float | None, bool]:
    """(value, na) from a raw cell; raises InvalidValue with the reason."""
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return None, False
    text = str(raw).strip().lower()
    if text == "":
        return None, False
    if text in NA_TOKENS:
        if not allow_na:
            raise InvalidValue(_("n/a is not allowed for this indicator"))
        return None, True
    if answer_type == AnswerType.YES_NO:
        if text in _YES or _number(text) == 1:
            return 1.0, False
        if text in _NO or _number(text) == 0:
            return 0.0, False
        raise InvalidValue(_("%(v)r is not yes or no") % {"v": str(raw).strip()})
    number = _number(text)
    if number is None:
        raise InvalidValue(
            _("%(v)r is not a number (allowed: %(a)s)")
            % {"v": str(raw).strip(), "a": ALLOWED_VALUES[answer_type]}
        )
    problem = _range_problem(answer_type, number)
    if problem:
        raise InvalidValue(problem)
    return float(number), False


def _range_problem(answer_type: str, number: float) -> str | None:
    if answer_type == AnswerType.THREE_LEVEL and number not in (0, 5, 10):
        return _("%(v)s is not one of 0, 5, 10") % {"v": _fmt(number)}
    if answer_type == AnswerType.SCALE and (number != int(number) or not 0 <= number <= 4):
        return _("%(v)s is not a whole number from 0 to 4") % {"v": _fmt(number)}
    if answer_type == AnswerType.PERCENT and not 0 <= number <= 100:
        return _("%(v)s is out of range 0–100") % {"v": _fmt(number)}
    if answer_type == AnswerType.YES_NO and number not in (0, 1):
        return _("%(v)s is not yes or no") % {"v": _fmt(number)}
    return None


def check_value(indicator, value: float | None, na: bool) -> str | None:
    """Why (value, na) does not fit the indicator, or None."""
    if na:
        if value is not None:
            return _("An answer is either a value or n/a, not both.")
        if not indicator.allow_na:
            return _("n/a is not allowed for this indicator")
        return None
    if value is None:
        return None
    return _range_problem(indicator.answer_type, value)


def _fmt(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def format_value(answer_type: str, value: float | None, na: bool) -> str:
    """The value as a person or a file writes it: yes/no, 5, 12.5, n/a, or ''."""
    if na:
        return "n/a"
    if value is None:
        return ""
    if answer_type == AnswerType.YES_NO:
        return "yes" if value >= 1 else "no"
    return _fmt(value)
