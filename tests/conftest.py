import os

import pytest

from tests.factories import make_catalogue, make_users


@pytest.fixture
def catalogue(db):
    return make_catalogue()


@pytest.fixture
def users(catalogue):
    return make_users(catalogue["actors"])


@pytest.fixture
def importer(db):
    from assessments.services import importer_user

    return importer_user()


@pytest.fixture
def assessment(catalogue, users):
    """A draft of the Philippine Department of Migrant Workers for 2026."""
    from assessments.services import create_assessment

    return create_assessment(
        actor=catalogue["actors"]["PHL-DMW"], cycle=2026, by=users["focal_phl"]
    )


def pytest_collection_modifyitems(config, items):
    real_services = os.environ.get("REDIS_URL") and os.environ.get("DATABASE_URL")
    skip = pytest.mark.skip(reason="needs DATABASE_URL and REDIS_URL (a real worker)")
    for item in items:
        if "worker" in item.keywords and not real_services:
            item.add_marker(skip)
