"""Actors' interests in a country: priorities by policy area, and where they collide."""

import pandas as pd
from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext as _

from actors.models import Actor, Interest
from assessments.dashboards import charts
from assessments.dashboards.common import area_names, page, visible_country
from coherence.countries import country_name
from coherence.tables import table

COLLISION_GAP = 3  # priorities this far apart between two actors collide


def priority_collisions(frame: pd.DataFrame, gap: int = COLLISION_GAP) -> list[dict]:
    """Areas where two actors' priorities differ by `gap` or more: the most and the least
    eager actors of each, widest difference first. `frame`: actor, area, priority."""
    if frame.empty:
        return []
    out = []
    for area, group in frame.groupby("area", sort=True):
        high, low = int(group["priority"].max()), int(group["priority"].min())
        if high - low < gap:
            continue
        out.append(
            {
                "area": area,
                "difference": high - low,
                "high": high,
                "high_actors": sorted(group.loc[group["priority"] == high, "actor"]),
                "low": low,
                "low_actors": sorted(group.loc[group["priority"] == low, "actor"]),
            }
        )
    return sorted(out, key=lambda c: (-c["difference"], c["area"]))


@login_required
def interests(request, iso3: str):
    """The country's actors × policy areas, by priority; where their priorities collide."""
    country = visible_country(request, iso3)
    actors = list(
        Actor.objects.filter(country_id=country.iso3).order_by("code").values_list("code", "name")
    )
    stated = list(
        Interest.objects.filter(actor__country_id=country.iso3).values_list(
            "actor__code", "area_id", "priority"
        )
    )
    areas = area_names()
    frame = pd.DataFrame.from_records(stated, columns=["actor", "area", "priority"])
    collisions = priority_collisions(frame)
    priority = {(a, area): p for a, area, p in stated}
    area_codes = list(areas)
    actor_names = dict(actors)

    def named(codes: str) -> str:
        return ", ".join(actor_names.get(c, c) for c in codes.split())

    tables = [
        table(
            "priorities",
            _("Priorities (1–5) by actor and policy area"),
            ["actor", "name", *area_codes],
            [[code, name, *[priority.get((code, a)) for a in area_codes]] for code, name in actors],
            labels=[_("Actor"), _("Name"), *[areas[a] for a in area_codes]],
            hidden=("actor",),
        ),
        table(
            "collisions",
            _("Where priorities collide"),
            ["area", "label", "difference", "high", "high_actors", "low", "low_actors"],
            [
                [
                    c["area"],
                    areas.get(c["area"], c["area"]),
                    c["difference"],
                    c["high"],
                    " ".join(c["high_actors"]),
                    c["low"],
                    " ".join(c["low_actors"]),
                ]
                for c in collisions
            ],
            labels=[
                _("Code"),
                _("Policy area"),
                _("Difference"),
                _("Highest"),
                _("Actors"),
                _("Lowest"),
                _("Actors"),
            ],
            hidden=("area",),
            names={"high_actors": named, "low_actors": named},
        ),
    ]
    context = {
        "country": country,
        "country_name": country_name(country.iso3, country.name),
        "gap": COLLISION_GAP,
        "actors": actors,
    }
    if "export" not in request.GET and actors:
        context["charts"] = {
            "interests": charts.interests_heatmap(
                frame,
                actors=[code for code, _name in actors],
                areas=area_codes,
                area_labels=areas,
                title=_("Priorities by actor and policy area"),
                collide=[c["area"] for c in collisions],
                actor_labels=actor_names,
            )
        }
    return page(request, "dashboards/interests.html", context, tables, f"interests-{country.iso3}")
