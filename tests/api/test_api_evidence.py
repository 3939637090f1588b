"""Evidence documents through the API (DESIGN §7): each role against upload, list, read,
download and remove; a round trip through a real storage folder; errors in the one shape;
the list's query count pinned."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.evidence.services import attach_documents
from assessments.models import EvidenceDocument
from tests.api.conftest import ROLES, assert_error
from tests.evidence_files import PDF, docx, evidence_root, png, stored_files

__all__ = ["evidence_root"]

API = "/api/v1/assessments/{pk}/answers/{code}/documents/"


def upload(client, assessment, *files, code="H-INS-01"):
    data = {"files": [SimpleUploadedFile(name, content) for name, content in files]}
    return client.post(API.format(pk=assessment.pk, code=code), data, format="multipart")


def attached(world, users, key, name="decree.pdf", content=PDF, code="H-INS-01"):
    """A document attached through the service before the assessment left draft."""
    assessment = world[key]
    owner = {"draft": "focal_phl", "mda_draft": "focal_mda"}.get(key, "focal_phl_health")
    (document,) = attach_documents(
        assessment, indicator=code, files=[SimpleUploadedFile(name, content)], by=users[owner]
    )
    return document


# (role → status) for an upload to each world assessment: only its own focal point, and
# only while it is a draft; the others see nothing (404) or may not write (403).
UPLOADS = {
    "draft": {
        "anonymous": 401,
        "partner": 404,
        "focal_phl": 201,
        "focal_mda": 404,
        "reviewer": 404,
    },
    "submitted": {
        "anonymous": 401,
        "partner": 404,
        "focal_phl": 404,
        "focal_mda": 404,
        "reviewer": 403,
    },
    "mda_draft": {
        "anonymous": 401,
        "partner": 404,
        "focal_phl": 404,
        "focal_mda": 201,
        "reviewer": 404,
    },
}


@pytest.mark.parametrize("key", list(UPLOADS))
def test_each_role_uploads_what_design_7_allows(world, clients, evidence_root, key):
    for role in ROLES:
        response = upload(clients[role], world[key], ("decree.pdf", PDF))
        assert response.status_code == UPLOADS[key][role], (role, response.content[:300])
        if response.status_code >= 400:
            assert_error(response, UPLOADS[key][role])
    expected = sum(1 for status in UPLOADS[key].values() if status == 201)
    assert EvidenceDocument.objects.count() == expected
    assert len(stored_files(evidence_root)) == expected


# Who may see, and so download, a document of each assessment.
READS = {
    "draft": {
        "anonymous": 401,
        "partner": 404,
        "focal_phl": 200,
        "focal_mda": 404,
        "reviewer": 404,
    },
    "submitted": {
        "anonymous": 401,
        "partner": 404,
        "focal_phl": 404,
        "focal_mda": 404,
        "reviewer": 200,
    },
    "validated": {
        "anonymous": 401,
        "partner": 404,
        "focal_phl": 404,
        "focal_mda": 404,
        "reviewer": 200,
    },
}


@pytest.mark.parametrize("key", list(READS))
def test_each_role_lists_and_downloads_what_design_7_allows(
    world, users, clients, evidence_root, key
):
    from assessments.models import Assessment

    if key == "draft":
        document = attached(world, users, key)
    else:  # attached while it was still editable: reopened by the database, then locked again
        assessment = world[key]
        state = assessment.state
        Assessment.objects.filter(pk=assessment.pk).update(state="draft")
        document = attached(world, users, key)
        Assessment.objects.filter(pk=assessment.pk).update(state=state)
    base = API.format(pk=world[key].pk, code="H-INS-01")
    for role in ROLES:
        listed = clients[role].get(base)
        one = clients[role].get(f"{base}{document.pk}/")
        got = clients[role].get(f"{base}{document.pk}/download/")
        assert (listed.status_code, one.status_code, got.status_code) == (READS[key][role],) * 3
        if READS[key][role] != 200:
            assert_error(got, READS[key][role])
            continue
        (row,) = listed.json()["results"]
        assert row["name"] == "decree.pdf"
        assert (row["size"], row["content_type"], row["type"]) == (
            len(PDF),
            "application/pdf",
            "PDF",
        )
        assert row["uploaded_by"] in ("focal-phl", "focal-phl-doh")
        assert row["download_url"].endswith(f"{base}{document.pk}/download/")
        assert b"".join(got.streaming_content) == PDF
        assert got["Content-Type"] == "application/pdf"
        assert got["Content-Disposition"] == 'attachment; filename="decree.pdf"'
        assert got["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in got["Content-Security-Policy"]


def test_a_round_trip_through_the_storage_folder(world, clients, evidence_root):
    picture = png(3, 2)
    response = upload(
        clients["focal_phl"], world["draft"], ("scan.png", picture), ("law.docx", docx())
    )
    assert response.status_code == 201, response.content
    first, second = response.json()["documents"]
    assert (first["type"], second["type"]) == ("PNG", "DOCX")
    on_disk = stored_files(evidence_root)
    assert sorted(p.read_bytes() for p in on_disk) == sorted([picture, docx_bytes(on_disk)])
    got = clients["focal_phl"].get(first["download_url"])
    assert b"".join(got.streaming_content) == picture
    removed = clients["focal_phl"].delete(
        API.format(pk=world["draft"].pk, code="H-INS-01") + f"{first['id']}/"
    )
    assert removed.status_code == 200 and removed.json()["removed"] is True
    listed = clients["focal_phl"].get(API.format(pk=world["draft"].pk, code="H-INS-01")).json()
    assert [row["name"] for row in listed["results"]] == ["law.docx"]
    # Removed, still stored and retrievable (the answer's history links to it).
    assert len(stored_files(evidence_root)) == 2
    again = clients["focal_phl"].get(first["download_url"])
    assert again.status_code == 200
    assert b"".join(again.streaming_content) == picture


def docx_bytes(paths):
    return next(p.read_bytes() for p in paths if p.read_bytes().startswith(b"PK"))


def test_removing_follows_the_edit_rules(world, users, clients, evidence_root):
    from assessments.services import submit

    document = attached(world, users, "draft")
    submit(world["draft"], by=users["focal_phl"])
    url = API.format(pk=world["draft"].pk, code="H-INS-01") + f"{document.pk}/"
    error = assert_error(clients["focal_phl"].delete(url), 409)
    assert "locked" in error["message"]
    assert EvidenceDocument.objects.get().removed_at is None
    assert_error(clients["focal_mda"].delete(url), 404)
    assert_error(clients["reviewer"].delete(url), 403)


def test_unknown_indicator_and_parameters(world, clients, evidence_root):
    assert_error(
        upload(clients["focal_phl"], world["draft"], ("a.pdf", PDF), code="X-NONE-01"), 404
    )
    base = API.format(pk=world["draft"].pk, code="H-INS-01")
    error = assert_error(clients["focal_phl"].get(base + "?colour=blue"), 400, "unknown_parameter")
    assert "colour" in error["details"]
    assert EvidenceDocument.objects.count() == 0


def test_the_list_costs_the_same_few_queries_for_many_documents(
    world, users, clients, evidence_root, django_assert_num_queries
):
    for n in range(12):
        attached(world, users, "draft", name=f"doc-{n}.pdf")
    client = clients["focal_phl"]
    base = API.format(pk=world["draft"].pk, code="H-INS-01")
    client.get(base)  # the token is cached after its first use
    # the assessment (through the caller's membership), the count, the page of documents
    # with their uploader and indicator
    with django_assert_num_queries(3):
        body = client.get(base).json()
    assert body["count"] == 12


def test_each_answer_of_an_assessment_lists_its_documents(world, users, clients, evidence_root):
    document = attached(world, users, "draft")
    body = clients["focal_phl"].get(f"/api/v1/assessments/{world['draft'].pk}/").json()
    answers = {a["indicator"]: a for a in body["answers"]}
    (listed,) = answers["H-INS-01"]["documents"]
    assert (listed["id"], listed["name"], listed["type"], listed["uploaded_by"]) == (
        document.pk,
        "decree.pdf",
        "PDF",
        "focal-phl",
    )
    assert listed["download_url"].endswith(
        API.format(pk=world["draft"].pk, code="H-INS-01") + f"{document.pk}/download/"
    )
