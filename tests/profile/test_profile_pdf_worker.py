"""The PDF rendered by a real Celery worker: the page says it is being prepared
(202, refreshing itself), the status endpoint follows the render, then the PDF is served
from storage. Runs with DATABASE_URL and REDIS_URL set; skipped on the embedded defaults."""

import io
import os
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.worker import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
URL = "/dashboards/country/PHL/2025/profile.pdf"


@pytest.fixture
def worker_storage(settings):
    """The folder the worker writes to (its PROFILES_ROOT, or the project's default); the
    test's PDFs are taken out afterwards (each is named for the test's own scores)."""
    root = Path(os.environ.get("PROFILES_ROOT") or ROOT / "media" / "profiles")
    root.mkdir(parents=True, exist_ok=True)
    before = set(root.iterdir())
    settings.STORAGES = {
        **settings.STORAGES,
        "profiles": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    yield root
    for made in set(root.iterdir()) - before:
        made.unlink()


def test_the_worker_renders_the_pdf_while_the_page_says_it_is_being_prepared(
    celery_worker_process, worker_storage, profiles, browser_of
):
    client = browser_of("focal_phl")
    first = client.get(URL)
    assert first.status_code == 202
    assert "being prepared" in first.content.decode()
    status_url = URL.replace(".pdf", "/pdf-status/")
    assert client.get(status_url).json()["state"] in ("rendering", "ready")
    wait_for(lambda: client.get(status_url).json()["state"] == "ready", timeout=60)
    done = client.get(URL)
    assert done.status_code == 200
    reader = PdfReader(io.BytesIO(b"".join(done.streaming_content)))
    assert "Philippines — 2025" in reader.pages[0].extract_text()
