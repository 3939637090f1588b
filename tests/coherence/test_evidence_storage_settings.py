"""The "evidence" storage from the environment: local files in EVIDENCE_ROOT by
default (a folder of the project, outside the static files), an S3-compatible bucket,
private, when EVIDENCE_S3_BUCKET is set. Read in a fresh process, as start-up reads it."""

import json

from tests.coherence.test_settings_parsing import run

PRINT_STORAGE = """
import django, json
django.setup()
from django.conf import settings
from django.core.files.storage import storages
s = storages["evidence"]
print(json.dumps({
    "class": type(s).__name__,
    "location": str(getattr(s, "location", "")),
    "bucket": getattr(s, "bucket_name", None),
    "endpoint": getattr(s, "endpoint_url", None),
    "acl": getattr(s, "default_acl", None),
    "static": str(settings.STATIC_ROOT),
}))
"""


def storage(**variables: str) -> dict:
    result = run(["-c", PRINT_STORAGE], **variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_local_files_by_default_outside_the_static_files():
    got = storage()
    assert got["class"] == "FileSystemStorage"
    assert got["location"].endswith("/evidence")
    assert not got["location"].startswith(got["static"])
    assert storage(EVIDENCE_ROOT="/srv/evidence")["location"] == "/srv/evidence"


def test_an_s3_compatible_bucket_when_configured():
    got = storage(
        EVIDENCE_S3_BUCKET="coherence-evidence",
        EVIDENCE_S3_ENDPOINT_URL="https://minio.internal:9000",
        EVIDENCE_S3_ACCESS_KEY_ID="key",
        EVIDENCE_S3_SECRET_ACCESS_KEY="secret",
    )
    assert got["class"] == "S3Storage"
    assert (got["bucket"], got["endpoint"], got["acl"]) == (
        "coherence-evidence",
        "https://minio.internal:9000",
        "private",
    )
