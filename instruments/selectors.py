"""Reads of the catalogue that pages, the API and exports share."""

from django.db.models import Q, QuerySet

from coherence.choices import Level, ToolKind
from instruments.models import Instrument

UNIVERSAL_LEVELS = (Level.REGIONAL, Level.INTERNATIONAL)


def instruments_for(
    *, country: str | None = None, area: str | None = None, level: str | None = None
) -> QuerySet[Instrument]:
    """Instruments filtered as the grid filters them. A country's instruments are those
    that name it, plus the regional and international ones that name no country at all
    (frameworks and standards that bind every state, ¶31)."""
    queryset = Instrument.objects.all()
    if country:
        universal = Q(countries__isnull=True) & Q(levels__code__in=UNIVERSAL_LEVELS)
        queryset = queryset.filter(Q(countries__iso3=country) | universal)
    if area:
        queryset = queryset.filter(areas__code=area)
    if level:
        queryset = queryset.filter(levels__code=level)
    return queryset.distinct()


def grid(*, country: str | None = None, area: str | None = None, level: str | None = None):
    """The Annex B grid: every (level, tool type) cell, inside out by level, with the
    count and codes of its instruments. An instrument on two levels is in both rows.
    One query, whatever the number of instruments."""
    ids = instruments_for(country=country, area=area, level=level).values("id")
    rows = (
        Instrument.levels.through.objects.filter(instrument_id__in=ids)
        .values_list("governancelevel_id", "instrument__tool_type_id", "instrument__code")
        .order_by("instrument__code")
    )
    if level:
        rows = rows.filter(governancelevel_id=level)
    cells = {(lv, tt): [] for lv in Level.values for tt in ToolKind.values}
    for level_code, tool_type, code in rows:
        cells[(level_code, tool_type)].append(code)
    return [
        {"level": lv, "tool_type": tt, "count": len(codes), "instruments": codes}
        for (lv, tt), codes in cells.items()
    ]
