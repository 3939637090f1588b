import os
from pathlib import Path

import pytest

from tests.factories import make_catalogue, make_users


@pytest.fixture(autouse=True, scope="session")
def _evidence_outside_the_project(tmp_path_factory):
    """Evidence documents stored by any test land in a temporary folder, never in the
    project's own (tests that count files on disk use tests.evidence_files.evidence_root)."""
    from django.conf import settings
    from django.test import override_settings

    root = tmp_path_factory.mktemp("evidence")
    storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    with override_settings(
        STORAGES={**settings.STORAGES, "evidence": {**storage, "OPTIONS": {"location": root}}}
    ):
        yield root


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


# The tests of code that has a PostgreSQL fast path (assessments.pg) and a portable twin:
# answers written in bulk, answers read and scores written by the recompute, the importer.
# CI runs them a second time on SQLite (`-m backends`), so neither half goes untested.
BOTH_BACKENDS = {
    "tests/assessments/test_pgbinary.py",
    "tests/assessments/test_save_conflict.py",
    "tests/assessments/test_transitions.py",
    "tests/assessments/test_import_in_bulk.py",
    "tests/assessments/test_import_good_files.py",
    "tests/assessments/test_import_checks.py",
    "tests/assessments/test_tasks_after_commit.py",
    "tests/api/test_api_scores_contract.py",
    "tests/api/test_api_score_cache.py",
    "tests/catalogue/test_load_catalogue.py",
}


def pytest_collection_modifyitems(config, items):
    real_services = os.environ.get("REDIS_URL") and os.environ.get("DATABASE_URL")
    skip = pytest.mark.skip(reason="needs DATABASE_URL and REDIS_URL (a real worker)")
    root = Path(__file__).resolve().parents[1]
    for item in items:
        if item.get_closest_marker("worker") and not real_services:
            item.add_marker(skip)
        if str(Path(item.fspath).relative_to(root)) in BOTH_BACKENDS:
            item.add_marker(pytest.mark.backends)


@pytest.fixture(autouse=True)
def _tasks_in_process_unless_worker(request):
    """Tasks run in process (after commit) in every test but those that use the real
    worker, so a test's numbers never depend on a worker it did not ask for."""
    from coherence.celery import app

    eager = request.node.get_closest_marker("worker") is None
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """One real worker for the session, on Redis, against the test database."""
    from django.db import connection

    from coherence.celery import app
    from tests.worker import ROOT, Worker, database_url

    app.control.purge()
    # Not under pytest's own temporary folders, which other pytest runs may clean up.
    folder = ROOT / "test-artifacts" / f"worker-{os.getpid()}"
    folder.mkdir(parents=True, exist_ok=True)
    worker = Worker(database_url(connection.settings_dict), folder / "pause")
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture
def fast_password_hashing(settings):
    """A cheap hasher for tests that create the catalogue's users by the dozen and never
    check a password: PBKDF2 would cost seconds per test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _language_reset():
    """A page asked in French or Spanish leaves that language active in the thread (the
    locale middleware does not deactivate it): every test starts and ends in English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
