"""A world of published and unpublished country profiles, built through the services:

- PHL 2024 (the DMW's, validated) — not published;
- PHL 2025 (the DOH's, validated) — published to the public;
- MDA 2025 (the BMA's, validated) — published to peers;
- CHE 2025 (the SEM's, validated) — not published.

The Department of Migrant Workers is the Philippines' lead actor, the BMA Moldova's."""

import pytest
from django.core.cache import cache

from actors.models import Actor
from assessments.choices import Audience
from assessments.generation import replace_generation
from assessments.publication import publish, replace_publications_generation
from coherence.api.caching import local_bodies
from coherence.choices import Role
from tests.api.conftest import VALIDATED_ANSWERS, validated
from tests.factories import make_user
from tests.pages.conftest import signed_in

ROLES = (
    "anonymous",
    "focal_phl",
    "focal_phl_health",
    "focal_mda",
    "focal_che",
    "reviewer",
    "partner",
)


@pytest.fixture(autouse=True)
def profile_storage(settings, tmp_path):
    """PDFs in a folder of the test's own, a fast hasher, a clean local cache."""
    settings.STORAGES = {
        **settings.STORAGES,
        "profiles": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "profiles")},
        },
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if settings.CACHES["default"]["BACKEND"].endswith("LocMemCache"):
        cache.clear()
    local_bodies.clear()
    replace_generation()
    replace_publications_generation()
    return tmp_path / "profiles"


@pytest.fixture
def profiles(catalogue, users):
    actors = catalogue["actors"]
    Actor.objects.filter(code__in=["PHL-DMW", "MDA-BMA"]).update(leads_publication=True)
    users["focal_che"] = make_user("focal-che", Role.FOCAL_POINT, actors["CHE-SEM"])
    reviewer = users["reviewer"]
    for actor, cycle, focal in [
        ("PHL-DMW", 2024, "focal_phl"),
        ("PHL-DOH", 2025, "focal_phl_health"),
        ("MDA-BMA", 2025, "focal_mda"),
        ("CHE-SEM", 2025, "focal_che"),
    ]:
        validated(
            actors[actor], cycle, focal=users[focal], reviewer=reviewer, answers=VALIDATED_ANSWERS
        )
    publish(country="PHL", cycle=2025, audience=Audience.PUBLIC, by=users["focal_phl"])
    publish(country="MDA", cycle=2025, audience=Audience.PEERS, by=users["focal_mda"])
    return users


@pytest.fixture
def browser_of(profiles):
    """browser_of("focal_phl") → a Django test client signed in as that user."""
    made = {}

    def make(role: str):
        if role not in made:
            from django.test import Client

            made[role] = Client() if role == "anonymous" else signed_in(profiles[role])
        return made[role]

    return make
