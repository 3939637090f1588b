"""The grid's query values (country, area, levels, a cell, two countries), refused with a
message when unknown."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from coherence.choices import Level, ToolKind
from coherence.models import Country, PolicyArea


class BadFilter(ValueError):
    """A filter value the catalogue does not know: the page answers 400 and names it."""


@dataclass(frozen=True)
class GridFilters:
    country: str | None = None
    area: str | None = None
    level: str | None = None
    # With a country: also the instruments its validated stock-taking of that cycle lists.
    cycle: int | None = None

    def params(self) -> dict[str, str]:
        return {k: v for k, v in vars(self).items() if v}

    @property
    def levels(self) -> list[str]:
        """The grid's rows, inside out; only the chosen one when filtered by level."""
        return [self.level] if self.level else list(Level.values)


def _choice(params, name: str, allowed, label: str) -> str | None:
    value = (params.get(name) or "").strip()
    if not value:
        return None
    if value not in allowed:
        raise BadFilter(_("Unknown %(label)s: “%(value)s”.") % {"label": label, "value": value})
    return value


def parse_country(params, name: str = "country") -> str | None:
    value = (params.get(name) or "").strip().upper()
    if not value:
        return None
    if len(value) != 3 or not Country.objects.filter(iso3=value).exists():
        raise BadFilter(_("Unknown country: “%(value)s”.") % {"value": params.get(name)})
    return value


def parse_area(params) -> str | None:
    value = (params.get("area") or "").strip()
    if value and not PolicyArea.objects.filter(code=value).exists():
        raise BadFilter(_("Unknown policy area: “%(value)s”.") % {"value": value})
    return value or None


def parse_cycle(params) -> int | None:
    value = (params.get("cycle") or "").strip()
    if not value:
        return None
    if not value.isdigit() or not 2000 <= int(value) <= 2100:
        raise BadFilter(_("Unknown cycle: “%(v)s” (a year from 2000 to 2100).") % {"v": value})
    return int(value)


def parse_grid_filters(params) -> GridFilters:
    """Validated filters from a query string; BadFilter names the first unknown value."""
    return GridFilters(
        country=parse_country(params),
        area=parse_area(params),
        level=_choice(params, "level", Level.values, _("level")),
        cycle=parse_cycle(params),
    )


def parse_cell(params) -> tuple[GridFilters, str, str]:
    """A cell: its level and tool type (both required) and the grid's other filters."""
    level = _choice(params, "level", Level.values, _("level"))
    tool_type = _choice(params, "tool_type", ToolKind.values, _("tool type"))
    if not level or not tool_type:
        raise BadFilter(_("A cell is given by a level and a tool type."))
    filters = GridFilters(
        country=parse_country(params),
        area=parse_area(params),
        level=level,
        cycle=parse_cycle(params),
    )
    return filters, level, tool_type


def parse_compare(params) -> tuple[GridFilters, GridFilters, str | None, str | None]:
    a, b = parse_country(params, "a"), parse_country(params, "b")
    area = parse_area(params)
    level = _choice(params, "level", Level.values, _("level"))
    return GridFilters(a, area, level), GridFilters(b, area, level), a, b
