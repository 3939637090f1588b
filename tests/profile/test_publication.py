"""Publication (DESIGN §7): the country's lead actor publishes a validated
cycle's profile to peers or the public and withdraws it, after a confirmation that says
what will happen; nothing is published by default; every change is logged."""

import pytest
from django.db import IntegrityError, transaction

from actors.models import Actor
from assessments.choices import Audience, PublicationAction
from assessments.models import Publication, PublicationLog
from assessments.publication import (
    NoSuchProfile,
    NotLeadActor,
    NotPublished,
    NotValidated,
    UnknownAudience,
    publish,
    withdraw,
)
from tests.api.conftest import VALIDATED_ANSWERS, validated

pytestmark = pytest.mark.django_db

PROFILE = "/dashboards/country/PHL/2025/profile/"
CONTROL = "/dashboards/country/PHL/2025/profile/publication/"


def state() -> tuple:
    return (
        list(Publication.objects.values_list("country_id", "cycle", "audience")),
        list(PublicationLog.objects.values_list("country_id", "cycle", "action", "audience")),
    )


def test_nothing_is_published_by_default(catalogue, users):
    validated(
        catalogue["actors"]["PHL-DOH"],
        2025,
        focal=users["focal_phl_health"],
        reviewer=users["reviewer"],
        answers=VALIDATED_ANSWERS,
    )
    assert Publication.objects.count() == 0
    assert not Actor.objects.filter(leads_publication=True).exists()


def test_publishing_and_withdrawing_are_logged_with_who_and_to_whom(profiles):
    focal = profiles["focal_phl"]
    publish(country="PHL", cycle=2024, audience=Audience.PEERS, by=focal)
    publish(country="PHL", cycle=2024, audience=Audience.PUBLIC, by=focal)
    assert Publication.objects.get(country_id="PHL", cycle=2024).audience == "public"
    withdraw(country="PHL", cycle=2024, by=focal)
    assert not Publication.objects.filter(country_id="PHL", cycle=2024).exists()
    log = PublicationLog.objects.filter(country_id="PHL", cycle=2024).order_by("id")
    assert [(e.action, e.audience, e.by_id) for e in log] == [
        (PublicationAction.PUBLISH, "peers", focal.pk),
        (PublicationAction.PUBLISH, "public", focal.pk),
        (PublicationAction.WITHDRAW, "public", focal.pk),
    ]
    with pytest.raises(NotPublished):
        withdraw(country="PHL", cycle=2024, by=focal)


@pytest.mark.parametrize(
    ("who", "country", "cycle", "audience", "refusal"),
    [
        ("focal_phl_health", "PHL", 2024, "public", NotLeadActor),  # not the lead actor
        ("reviewer", "PHL", 2024, "public", NotLeadActor),
        ("partner", "PHL", 2024, "public", NotLeadActor),
        ("focal_mda", "PHL", 2024, "public", NoSuchProfile),  # another country's
        ("focal_phl", "PHL", 2026, "public", NotValidated),  # no validated assessment
        ("focal_phl", "PHL", 2024, "everyone", UnknownAudience),
    ],
)
def test_only_the_lead_actor_publishes_a_validated_cycle(
    profiles, who, country, cycle, audience, refusal
):
    before = state()
    with pytest.raises(refusal):
        publish(country=country, cycle=cycle, audience=audience, by=profiles[who])
    assert state() == before


def test_a_country_has_one_lead_actor(profiles):
    with pytest.raises(IntegrityError), transaction.atomic():
        Actor.objects.filter(code="PHL-DOH").update(leads_publication=True)


def test_the_log_is_append_only(profiles):
    from django.core.exceptions import ValidationError

    entry = PublicationLog.objects.first()
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()


def test_the_lead_actors_focal_point_sees_the_control_others_do_not(profiles, browser_of):
    lead = browser_of("focal_phl").get(PROFILE).content.decode()
    assert f'action="{CONTROL}"' in lead
    assert "Published to the public on" in lead
    other = browser_of("focal_phl_health").get(PROFILE).content.decode()
    assert f'action="{CONTROL}"' not in other
    assert "lead actor publish its profile" in other
    peer = browser_of("focal_mda").get(PROFILE).content.decode()
    assert "Publication" not in peer  # another country's reader sees no control at all


def test_publishing_asks_to_confirm_and_says_what_will_happen(profiles, browser_of):
    client = browser_of("focal_phl")
    url = "/dashboards/country/PHL/2024/profile/publication/"
    before = state()
    asked = client.post(url, {"action": "publish", "audience": "public"})
    assert asked.status_code == 200
    text = asked.content.decode()
    assert "anyone can read them without signing in" in text
    assert 'name="confirm" value="yes"' in text
    assert state() == before  # nothing written until confirmed
    done = client.post(url, {"action": "publish", "audience": "public", "confirm": "yes"})
    assert done.status_code == 302
    assert Publication.objects.get(country_id="PHL", cycle=2024).audience == "public"
    assert browser_of("anonymous").get("/public/PHL/2024/").status_code == 200
    asked = client.post(url, {"action": "withdraw"})
    assert "takes it off the public pages" in asked.content.decode()
    client.post(url, {"action": "withdraw", "confirm": "yes"})
    assert not Publication.objects.filter(country_id="PHL", cycle=2024).exists()
    assert browser_of("anonymous").get("/public/PHL/2024/").status_code == 404


def test_others_cannot_publish_through_the_page(profiles, browser_of):
    before = state()
    data = {"action": "publish", "audience": "public", "confirm": "yes"}
    refused = browser_of("focal_phl_health").post(CONTROL, data, follow=True)
    assert refused.status_code == 200
    assert "Only the focal points of the country&#x27;s lead actor" in refused.content.decode()
    assert browser_of("focal_mda").post(CONTROL, data).status_code == 404
    assert browser_of("anonymous").post(CONTROL, data).status_code == 302  # to sign in
    assert browser_of("focal_phl").get(CONTROL).status_code == 405
    assert state() == before
