"""Publication of a country's profile (DESIGN §7): the country's lead actor
publishes a validated cycle's profile to its peers or to the public, and withdraws it.
Nothing is published by default; every publication and withdrawal is logged.

Who reads what: a principal who sees the country (its own focal points, reviewers,
partners) reads every validated cycle's profile, as before; every signed-in focal point
and reviewer reads what is published to `peers` or `public`; anyone reads what is
published to `public`."""

import logging
import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from actors.models import Actor
from actors.roles import Principal, principal_of
from assessments.choices import Audience, PublicationAction
from assessments.models import ConsolidatedScore, Publication, PublicationLog
from assessments.selectors import sees_country, visible_scores
from coherence.api.caching import CACHE_DOWN
from coherence.choices import Role
from coherence.errors import Forbidden, Invalid, NotFound, Refusal, WrongState

log = logging.getLogger(__name__)

GENERATION_KEY = "publications:generation"
# Roles that read what is published to peers (a partner token reads every validated score
# anyway; the API's `published/` lists peers' publications to it as to any signed-in caller).
PEERS = (Role.FOCAL_POINT, Role.REVIEWER, Role.PARTNER, Role.ADMIN, Role.IMPORTER)


class PublicationRefused(Refusal):
    code = "publication_refused"


class NotLeadActor(PublicationRefused, Forbidden):
    """Only the focal points of the country's lead actor publish its profile."""


class NotValidated(PublicationRefused, WrongState):
    """The cycle has no validated assessment: there is no profile to publish."""


class NotPublished(PublicationRefused, WrongState):
    """Nothing to withdraw."""


class UnknownAudience(PublicationRefused, Invalid):
    pass


class NoSuchProfile(PublicationRefused, NotFound):
    code = "not_found"


# --- Who reads what -------------------------------------------------------------------------


def audiences_for(principal: Principal) -> tuple[str, ...]:
    """The audiences whose publications a principal reads."""
    if principal.role in PEERS:
        return (Audience.PEERS, Audience.PUBLIC)
    return (Audience.PUBLIC,)


def published_to(principal: Principal) -> QuerySet[Publication]:
    return Publication.objects.filter(audience__in=audiences_for(principal))


def validated_score(iso3: str, cycle: int) -> QuerySet[ConsolidatedScore]:
    return ConsolidatedScore.objects.filter(country_id=iso3, cycle=cycle, assessments__gt=0)


def may_read_profile(principal: Principal, iso3: str, cycle: int) -> bool:
    """Whether the principal may read this country's profile of this cycle (one query at
    most: none for those who see the country)."""
    if sees_country(principal, iso3):
        return True
    return published_to(principal).filter(country_id=iso3, cycle=cycle).exists()


def lead_actor(iso3: str) -> Actor | None:
    return Actor.objects.filter(country_id=iso3, leads_publication=True).first()


def may_publish(principal: Principal, iso3: str) -> bool:
    """A focal point of the country's lead actor (DESIGN §7)."""
    if not principal.is_focal_point or principal.country != iso3:
        return False
    return Actor.objects.filter(pk=principal.actor_id, leads_publication=True).exists()


def comparable_scores(user) -> QuerySet[ConsolidatedScore]:
    """The scores the comparison shows: those the user sees, and for a focal point also the
    other countries' cycles published to peers or to the public."""
    principal = principal_of(user)
    own = visible_scores(user)
    if principal.role != Role.FOCAL_POINT:
        return own
    published = Publication.objects.filter(
        country_id=OuterRef("country_id"),
        cycle=OuterRef("cycle"),
        audience__in=audiences_for(principal),
    )
    return ConsolidatedScore.objects.filter(assessments__gt=0).filter(
        Q(country_id=principal.country) | Q(Exists(published))
    )


def country_link(user, iso3: str, cycle: int) -> str:
    """Where the comparison links a country: its dashboard for those who see it, else its
    published profile."""
    if sees_country(principal_of(user), iso3):
        return reverse("dashboards:country", args=[iso3]) + f"?cycle={cycle}"
    return reverse("dashboards:profile", args=[iso3, cycle])


# --- The generation of publications: public pages are cached under it ------------------------


def publications_generation() -> str:
    value = cache.get(GENERATION_KEY)
    if value is None:
        value = uuid.uuid4().hex
        if not cache.add(GENERATION_KEY, value, None):
            value = cache.get(GENERATION_KEY) or value
    return value


def replace_publications_generation() -> None:
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, None)
    except CACHE_DOWN:
        log.warning("Could not replace the publications generation", exc_info=True)


def _publications_changed() -> None:
    """Nothing cached before this write is served again: now, and once more at commit (a page
    read in between saw the rows still committed)."""
    replace_publications_generation()
    transaction.on_commit(replace_publications_generation)


# --- Publishing and withdrawing --------------------------------------------------------------


def _check_lead(by, iso3: str) -> None:
    principal = principal_of(by)
    if not sees_country(principal, iso3):
        raise NoSuchProfile(_("No such country profile."))
    if not may_publish(principal, iso3):
        raise NotLeadActor(
            _("Only the focal points of the country's lead actor publish its profile.")
        )


def publish(*, country: str, cycle: int, audience: str, by) -> Publication:
    """Publish a validated cycle's profile to `audience` (or move it to another one)."""
    if audience not in Audience.values:
        raise UnknownAudience(
            _("Publish to peers or to the public."), {"audience": _("Unknown audience.")}
        )
    _check_lead(by, country)
    with transaction.atomic():
        if not validated_score(country, cycle).exists():
            raise NotValidated(
                _("%(c)s has no validated assessment in %(y)s: there is no profile to publish.")
                % {"c": country, "y": cycle}
            )
        # Locked: two focal points publishing at once leave one row and two log lines.
        current = Publication.objects.select_for_update().filter(country_id=country, cycle=cycle)
        publication = current.first()
        if publication is None:
            publication = Publication(country_id=country, cycle=cycle)
        publication.audience = audience
        publication.published_by = by
        publication.published_at = timezone.now()
        publication.save()
        PublicationLog.objects.create(
            country_id=country,
            cycle=cycle,
            action=PublicationAction.PUBLISH,
            audience=audience,
            by=by,
        )
        _publications_changed()
    return publication


def withdraw(*, country: str, cycle: int, by) -> None:
    """Withdraw a published profile: from now on only those who see the country read it."""
    _check_lead(by, country)
    with transaction.atomic():
        publication = (
            Publication.objects.select_for_update().filter(country_id=country, cycle=cycle).first()
        )
        if publication is None:
            raise NotPublished(_("This profile is not published."))
        audience = publication.audience
        publication.delete()
        PublicationLog.objects.create(
            country_id=country,
            cycle=cycle,
            action=PublicationAction.WITHDRAW,
            audience=audience,
            by=by,
        )
        _publications_changed()
