"""`{% stocktake_section %}`: the stock-taking section of an assessment's page, with what
it reads itself, so the page's view and template change by one line."""

from django import template
from django.utils.translation import gettext as _

from actors.models import Actor
from actors.roles import principal_of
from assessments import rules
from assessments.answer_sheet import escaped_join
from assessments.services import allowed_transitions
from assessments.stocktake.api import own_stock
from assessments.stocktake.flags import interaction_key
from assessments.stocktake.views import MITIGATION_ROWS, revisions_field
from coherence.choices import Level, ToolKind
from coherence.countries import country_name
from coherence.models import PolicyArea
from instruments.models import Instrument, Interaction
from instruments.selectors import instruments_for

register = template.Library()

SCORES = [3, 2, 1, 0, -1, -2, -3]


def origin_name(origin: str, actors: dict[str, str]) -> str:
    """Who an interaction or instrument comes from, as a person reads it."""
    from assessments.stocktake.selectors import CATALOGUE, PAPER

    if origin == PAPER:
        return _("the paper")
    if origin == CATALOGUE:
        return _("the catalogue")
    return actors.get(origin, origin)


def readable(rows: list[dict], names: dict[str, str], actors: dict[str, str]) -> list[dict]:
    """Interaction rows with what a person reads beside the codes they keep: the
    instruments' and safeguards' names, and who reported each."""
    return [
        {
            **r,
            "source_name": names.get(r["source"]) or r["source"],
            "target_name": names.get(r["target"]) or r["target"],
            "origin_name": origin_name(r["origin"], actors) if "origin" in r else "",
            "mitigations": [
                {**m, "safeguard_name": names.get(m["safeguard"]) or m["safeguard"]}
                for m in r.get("mitigations") or []
            ],
        }
        for r in rows
    ]


@register.inclusion_tag("assessments/_stocktake.html", takes_context=True)
def stocktake_section(context, assessment):
    request = context["request"]
    principal = principal_of(request.user)
    stock = own_stock(assessment, fresh=False)
    listed_rows = stock["instruments"]
    can_edit = (
        principal.is_focal_point
        and principal.actor_id == assessment.actor_id
        and not rules.answers_locked(assessment.state)
    )
    section = {
        "assessment": assessment,
        "stock": stock,
        "can_edit": can_edit,
        "unmitigated": sum(1 for i in stock["interactions"] if i["unmitigated"]),
        "csrf_token": context.get("csrf_token"),
        # A reviewer returning the assessment may tick entries in the return form.
        "returning": "return" in allowed_transitions(request.user, assessment),
        "conflict": (context.get("stock_form") or {}).get("conflict"),
    }
    if can_edit:
        section.update(_forms(stock, context.get("stock_form")))
        listed = {i["code"] for i in stock["instruments"]}
        sheet = context.get("sheet")
        offered = getattr(sheet, "instruments", None)
        if offered is None:
            offered = (
                instruments_for(country=assessment.country_id)
                .order_by("code")
                .values_list("code", "name")
            )
        section.update(
            {
                # The fill-in form's pickers offer the same instruments: read once a page.
                "catalogue_options": escaped_join(
                    '<option value="{}">{}</option>',
                    ((code, name) for code, name in offered if code not in listed),
                ),
                "safeguards": list(
                    Instrument.objects.filter(safeguard=True)
                    .order_by("code")
                    .values_list("code", "name")
                )
                + [(i["code"], i["name"]) for i in stock["instruments"] if i["safeguard"]],
                "actors": list(
                    Actor.objects.filter(country_id=assessment.country_id)
                    .order_by("code")
                    .values_list("code", "name")
                ),
                "tool_types": list(ToolKind.choices),
                "levels": list(Level.choices),
                # Named in the reader's language, in their order (one query).
                "areas": [(a.code, a.translated("name")) for a in PolicyArea.objects.all()],
                "scores": SCORES,
            }
        )
    names = {**dict(section.get("safeguards", [])), **{i["code"]: i["name"] for i in listed_rows}}
    section["instruments"] = labelled(listed_rows)
    section["interactions"] = readable(stock["interactions"], names, {})
    return section


def labelled(instruments: list[dict]) -> list[dict]:
    """Instrument rows with their tool type and levels named in the user's language."""
    tools, levels = dict(ToolKind.choices), dict(Level.choices)
    return [
        {
            **i,
            "tool_type_label": str(tools.get(i["tool_type"], i["tool_type"] or "")),
            "level_labels": [str(levels.get(lv, lv)) for lv in i["levels"] or []],
        }
        for i in instruments
    ]


def _forms(stock: dict, refused: dict | None) -> dict:
    """The add forms' hidden revisions and their fields: empty, or what a refused post held
    (the user's input is never lost)."""
    post = refused["post"] if refused else {}
    op = post.get("op") if post else None
    instrument = post if op == "add_instrument" else {}
    interaction = post if op == "add_interaction" else {}
    return {
        "instrument_revisions": revisions_field(
            {"key": i["code"], "revision": i["revision"]} for i in stock["instruments"]
        ),
        "interaction_revisions": revisions_field(
            {"key": interaction_key(i["source"], i["target"]), "revision": i["revision"]}
            for i in stock["interactions"]
        ),
        "typed": {
            "code": instrument.get("code", ""),
            "name": instrument.get("name", ""),
            "tool_type": instrument.get("tool_type", ""),
            "levels": instrument.getlist("levels") if instrument else [],
            "areas": instrument.getlist("areas") if instrument else [],
            "link": instrument.get("link", ""),
            "owner": instrument.get("owner", ""),
            "safeguard": instrument.get("safeguard") == "on",
        },
        "told": {
            "source": interaction.get("source", ""),
            "target": interaction.get("target", ""),
            "score": interaction.get("score", ""),
            "rationale": interaction.get("rationale", ""),
            "no_mitigation": interaction.get("no_mitigation") == "on",
        },
        "mitigation_rows": [
            {
                "n": n,
                "safeguard": interaction.get(f"mitigation-{n}-safeguard", ""),
                "how": interaction.get(f"mitigation-{n}-how", ""),
            }
            for n in range(1, MITIGATION_ROWS + 1)
        ],
    }


@register.inclusion_tag("dashboards/_unmitigated.html")
def unmitigated_list(country, cycle, area=None, stock=None):
    """The unmitigated incoherences first: a country's in a cycle (its validated
    stock-taking and the paper's among its instruments), else the catalogue's. `stock`:
    the one the page's downloads read already, else read here."""
    from assessments.stocktake.selectors import country_stock

    if country and cycle:
        if not stock:  # a template passes "" for a name it lacks
            stock = country_stock(country, cycle)
        rows = readable(
            [r for r in stock.interactions if r["unmitigated"]], stock.names, stock.actors
        )
        divergences = readable(stock.divergences, stock.names, stock.actors)
    else:
        catalogue = Interaction.objects.with_mitigated().filter(score__lte=-2, mitigated=False)
        if country or area:
            chosen = instruments_for(country=country, area=area)
            catalogue = catalogue.filter(
                source_id__in=chosen.values("id"), target_id__in=chosen.values("id")
            )
        rows = [
            {
                "source": i.source.code,
                "source_name": i.source.name,
                "target": i.target.code,
                "target_name": i.target.name,
                "score": i.score,
                "rationale": i.rationale,
                "origin": "paper",
                "origin_name": origin_name("paper", {}),
            }
            for i in catalogue.select_related("source", "target").order_by(
                "score", "source__code", "target__code"
            )
        ]
        divergences = []
    return {
        "rows": rows,
        "divergences": divergences,
        "country": country,
        "country_name": country_name(country) if country else "",
        "cycle": cycle,
    }


@register.inclusion_tag("dashboards/_tools_safeguards.html")
def tools_and_safeguards(country, cycle, stock=None):
    """A country's tools and safeguards in a cycle: its validated instruments by level and
    tool type, the incoherences among them with their mitigations, the unmitigated ones.
    `stock`: the one the page's downloads read already, else read here."""
    from assessments.stocktake.selectors import country_stock

    if not stock:  # a template passes "" for a name it lacks
        stock = country_stock(country, cycle)
    counts = {(lv, tt): 0 for lv in Level.values for tt in ToolKind.values}
    for row in stock.instruments:
        for level in row["levels"]:
            counts[(level, row["tool_type"])] += 1
    grid = [
        {"level": label, "cells": [counts[(lv, tt)] for tt in ToolKind.values]}
        for lv, label in Level.choices
    ]
    return {
        "stock": stock,
        "grid": grid,
        "tools": [label for _code, label in ToolKind.choices],
        "instruments": [
            {**r, "source_name": origin_name(r["source"], stock.actors)} for r in stock.instruments
        ],
        "safeguards": [r for r in stock.instruments if r["safeguard"]],
        "incoherences": readable(stock.incoherences, stock.names, stock.actors),
        "unmitigated": stock.unmitigated,
        "divergences": readable(stock.divergences, stock.names, stock.actors),
    }
