"""What every dashboard shares: the page with its exports, who may read a country, the
query values, the vocabularies' labels."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from actors.roles import principal_of
from assessments.dashboards import charts
from assessments.scoring import SCORE_DECIMALS, round_half_away
from assessments.selectors import sees_country
from coherence.choices import Band, Dimension, Link
from coherence.models import Country, PolicyArea
from coherence.tables import _export_url, display_rows, export_response, shown_columns


class BadRequest(ValueError):
    """A query value the page does not know: 400, with the message shown."""


def published(value, decimals: int = SCORE_DECIMALS):
    """Rounded half away from zero as the stored scores are (DESIGN §4), a JSON-safe
    number; None, NaN and infinities are None."""
    value = charts.number(value)
    if value is None:
        return None
    return charts.number(round_half_away(value, decimals))


def page(request, template: str, context: dict, tables: list[dict], filename: str):
    """The page, or its export when `?export=` asks for one."""
    if "export" in request.GET:
        return export_response(request, tables, filename)
    for t in tables:
        t["csv_url"] = _export_url(request, "csv", t["name"])
        t["display"] = display_rows(t)
        t["shown_columns"] = shown_columns(t)
    context.update(
        {
            "principal": principal_of(request.user),
            "tables": {t["name"]: t for t in tables},
            "xlsx_url": _export_url(request, "xlsx"),
        }
    )
    return render(request, template, context)


def visible_country(request, iso3: str) -> Country:
    """The country if the user may read its results; 404 otherwise (never 403)."""
    iso3 = iso3.upper()
    if not sees_country(principal_of(request.user), iso3):
        raise Http404("No such country.")
    country = Country.objects.filter(iso3=iso3).only("iso3", "name").first()
    if country is None:
        raise Http404("No such country.")
    return country


def parse_cycle(params) -> int | None:
    value = (params.get("cycle") or "").strip()
    if not value:
        return None
    if not value.isdigit() or not 2000 <= int(value) <= 2100:
        raise BadRequest(_("Unknown cycle: “%(v)s” (a year from 2000 to 2100).") % {"v": value})
    return int(value)


def area_names() -> dict[str, str]:
    """Policy areas in their order, named in the user's language."""
    return {a.code: a.translated("name") for a in PolicyArea.objects.all()}


def dimension_labels() -> dict[str, str]:
    return {code: str(label) for code, label in Dimension.choices}


def link_labels() -> dict[str, str]:
    return {code: str(label) for code, label in Link.choices}


def band_label(band: str | None) -> str | None:
    return str(Band(band).label) if band in Band.values else band


@login_required
def index(request):
    """A focal point's own country; everyone else the comparison."""
    principal = principal_of(request.user)
    if principal.is_focal_point and principal.country:
        return redirect("dashboards:country", iso3=principal.country)
    return redirect("dashboards:compare")
