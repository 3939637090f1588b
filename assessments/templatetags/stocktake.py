"""`{% stocktake_section %}`: the stock-taking section of an assessment's page, with what
it reads itself, so the page's view and template change by one line."""

from django import template

from actors.models import Actor
from actors.roles import principal_of
from assessments import rules
from assessments.stocktake.api import own_stock
from coherence.choices import AREA_CODES, Level, ToolKind
from instruments.models import Instrument
from instruments.selectors import instruments_for

register = template.Library()

SCORES = [3, 2, 1, 0, -1, -2, -3]


@register.inclusion_tag("assessments/_stocktake.html", takes_context=True)
def stocktake_section(context, assessment):
    request = context["request"]
    principal = principal_of(request.user)
    stock = own_stock(assessment, fresh=False)
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
    }
    if can_edit:
        listed = {i["code"] for i in stock["instruments"]}
        section.update(
            {
                "catalogue": list(
                    instruments_for(country=assessment.country_id)
                    .exclude(code__in=listed)
                    .order_by("code")
                    .values_list("code", "name")
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
                "areas": [(code, code) for code in AREA_CODES],
                "scores": SCORES,
            }
        )
    return section
