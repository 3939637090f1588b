"""{% load figures %}: the one rule for numbers on screen (coherence.numbers)."""

from django import template

from coherence import numbers
from coherence.countries import country_name

register = template.Library()


@register.filter
def score(value) -> str:
    """{{ s.overall|score }} → "63.4" (English), "63,4" (French), "—" when missing."""
    return numbers.score_text(value)


@register.filter
def coverage(value) -> str:
    """{{ area.coverage|coverage }} → "90%" from 0.9; "90 %" in French."""
    return numbers.percent_text(value)


@register.filter
def count(value) -> str:
    return numbers.count_text(value)


@register.filter
def country(iso3: str, stored: str | None = None) -> str:
    """{{ c.iso3|country:c.name }} → the country's name in the reader's language."""
    return country_name(iso3, stored)
