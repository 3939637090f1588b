"""Reads that pages, the API and exports share — above all, what each user may see
(DESIGN §7). Every view and endpoint scopes its querysets through these functions."""

import re

from django.db.models import QuerySet
from django.http import Http404

from actors.roles import Principal, principal_of
from assessments.choices import State
from assessments.models import Assessment, ConsolidatedScore
from coherence.choices import Role


def visible_assessments(user) -> QuerySet[Assessment]:
    """A focal point sees its own actor's assessments; a reviewer every one that is not a
    draft; the importer and catalogue administrators all; partners and strangers none."""
    principal = principal_of(user)
    queryset = Assessment.objects.all()
    if principal.role == Role.FOCAL_POINT:
        return queryset.filter(actor_id=principal.actor_id)
    if principal.role == Role.REVIEWER:
        return queryset.exclude(state=State.DRAFT)
    if principal.role in (Role.IMPORTER, Role.ADMIN):
        return queryset
    return queryset.none()


def get_visible_assessment(user, pk) -> Assessment:
    """The assessment if the user may see it; 404 otherwise — never 403, so that another
    country's work does not even show that it exists."""
    try:
        return visible_assessments(user).select_related("actor", "country", "framework").get(pk=pk)
    except (Assessment.DoesNotExist, ValueError, TypeError):
        raise Http404("No such assessment.") from None


# Roles that read every country's results; a focal point reads its own country's.
SEES_EVERY_COUNTRY = (Role.REVIEWER, Role.PARTNER, Role.ADMIN, Role.IMPORTER)


def sees_country(principal: Principal, iso3: str) -> bool:
    """Whether a principal may read a country's results (scores, dashboards)."""
    if principal.role == Role.FOCAL_POINT:
        return principal.country == iso3
    return principal.role in SEES_EVERY_COUNTRY


def visible_scores(user) -> QuerySet[ConsolidatedScore]:
    """Consolidated scores: a focal point sees its own country's; reviewers, partners and
    administrators see all."""
    principal = principal_of(user)
    queryset = ConsolidatedScore.objects.filter(assessments__gt=0)
    if principal.role == Role.FOCAL_POINT:
        return queryset.filter(country_id=principal.country)
    if principal.role in SEES_EVERY_COUNTRY:
        return queryset
    return queryset.none()


# A crosswalk tag: a family, then parts of letters, digits and dots (GCM-4, SDG-10.7.2-D1,
# SDG-10.c, MIGOF-P2, MGI-D6).
CROSSWALK_TAG = re.compile(r"^[A-Z]{2,10}(-[A-Za-z0-9.]{1,10}){1,3}$")


def is_crosswalk_tag(value: str) -> bool:
    return bool(CROSSWALK_TAG.match(value))


def tagged_ids(indicators, tag: str) -> list[int]:
    """The ids of `indicators` whose crosswalk holds exactly `tag`: one query over the tags
    of a framework version (a hundred-odd short lists), the same on every database."""
    return [pk for pk, tags in indicators.values_list("pk", "crosswalk") if tag in (tags or [])]
