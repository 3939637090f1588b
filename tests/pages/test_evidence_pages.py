"""Evidence documents on the pages (DESIGN §7): the download view for each role and state
(404 for whoever may not see the assessment), the form fallback that attaches and removes
without JavaScript by the answer's edit rules, the reviewer's links, the answer's
history, and the pages' query counts with documents attached."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.evidence.services import attach_documents
from assessments.models import Assessment, EvidenceDocument
from tests.evidence_files import EXE, PDF, evidence_root, png, stored_files
from tests.pages.test_permission_matrix import ROLES

__all__ = ["evidence_root"]
pytestmark = pytest.mark.django_db

STATES = ("draft", "submitted", "returned", "validated")


def attach(assessment, users, code="H-LAB-01", name="decree.pdf", content=PDF):
    """Attach while editable: a locked assessment is opened by the database a moment."""
    state = Assessment.objects.get(pk=assessment.pk).state
    Assessment.objects.filter(pk=assessment.pk).update(state="draft")
    (document,) = attach_documents(
        assessment,
        indicator=code,
        files=[SimpleUploadedFile(name, content)],
        by=users["focal_phl"],
    )
    Assessment.objects.filter(pk=assessment.pk).update(state=state)
    return document


def may_see(role: str, state: str) -> bool:
    return role == "focal_phl" or (role.startswith("reviewer") and state != "draft")


def post(client, assessment, data):
    return client.post(reverse("assessments:documents", args=[assessment.pk]), data)


@pytest.mark.parametrize("state", STATES)
def test_who_downloads_and_who_attaches(client_of, in_state, users, evidence_root, state):
    assessment = in_state(state)
    document = attach(assessment, users)
    url = reverse("assessments:document", args=[assessment.pk, document.pk])
    for role in ROLES:
        client = client_of(role)
        got = client.get(url)
        files = {"files-H-LAB-01": SimpleUploadedFile("new.pdf", PDF), "attach": "H-LAB-01"}
        posted = post(client, assessment, files)
        if role == "anonymous":
            assert got.status_code == posted.status_code == 302
            assert got.url.startswith("/accounts/login/")
            continue
        if not may_see(role, state):
            assert (got.status_code, posted.status_code) == (404, 404), role
            continue
        assert got.status_code == 200, role
        assert b"".join(got.streaming_content) == PDF
        assert got["Content-Disposition"] == 'attachment; filename="decree.pdf"'
        assert got["Content-Type"] == "application/pdf"
        assert got["X-Content-Type-Options"] == "nosniff"
        assert posted.status_code == 302
    # Only the focal point attaches, and only while the answer is editable (H-LAB-01 is the
    # indicator `returned` flags).
    attached = EvidenceDocument.objects.filter(name="new.pdf").count()
    assert attached == (1 if state in ("draft", "returned") else 0)
    assert len(stored_files(evidence_root)) == 1 + attached


def test_the_fallback_form_attaches_refuses_and_removes(client_of, assessment, evidence_root):
    client = client_of("focal_phl")
    files = [SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.png", png())]
    response = post(client, assessment, {"files-H-INS-01": files, "attach": "H-INS-01"})
    assert response.status_code == 302 and response.url.endswith("#ind-H-INS-01")
    page = client.get(response.url).content.decode()
    assert "Attached: a.pdf, b.png." in page
    assert page.count('class="evidence-remove"') == 2
    refused = post(
        client,
        assessment,
        {"files-H-INS-01": SimpleUploadedFile("c.pdf", EXE), "attach": "H-INS-01"},
    )
    page = client.get(refused.url).content.decode()
    assert "“c.pdf”: its content is EXE" in page
    first = EvidenceDocument.objects.get(name="a.pdf")
    removed = post(client, assessment, {"remove": first.pk})
    page = client.get(removed.url).content.decode()
    assert "“a.pdf” removed." in page
    assert EvidenceDocument.objects.filter(removed_at__isnull=True).count() == 1
    assert len(stored_files(evidence_root)) == 2  # the removed file's bytes stay


def test_a_returned_assessment_takes_documents_on_flagged_answers_only(
    client_of, in_state, evidence_root
):
    assessment = in_state("returned")  # H-LAB-01 flagged
    client = client_of("focal_phl")
    refused = post(
        client,
        assessment,
        {"files-H-INS-01": SimpleUploadedFile("a.pdf", PDF), "attach": "H-INS-01"},
    )
    page = client.get(refused.url).content.decode()
    assert "Only the indicators returned for correction may change." in page
    assert EvidenceDocument.objects.count() == 0 and stored_files(evidence_root) == []


def test_the_reviewer_sees_the_documents_beside_the_answer(
    client_of, in_state, users, evidence_root
):
    assessment = in_state("submitted")
    document = attach(assessment, users, code="H-INS-01")
    page = client_of("reviewer").get(reverse("assessments:detail", args=[assessment.pk]))
    url = reverse("assessments:document", args=[assessment.pk, document.pk])
    assert f'<a href="{url}">decree.pdf</a>' in page.content.decode()


def test_attaching_and_removing_enter_the_answers_history(
    client_of, assessment, users, evidence_root
):
    document = attach(assessment, users, code="H-INS-01")
    client = client_of("focal_phl")
    post(client, assessment, {"remove": document.pk})
    records = list(EvidenceDocument.history.order_by("history_date", "history_id"))
    assert [(r.history_type, r.history_user.username) for r in records] == [
        ("+", "focal-phl"),
        ("~", "focal-phl"),
    ]
    assert records[1].removed_at is not None
    page = client.get(reverse("assessments:history", args=[assessment.pk, "H-INS-01"]))
    html = page.content.decode()
    url = reverse("assessments:document", args=[assessment.pk, document.pk])
    assert html.count(f'<a href="{url}">decree.pdf</a>') == 2  # attached, then removed
    assert html.count("Evidence document") == 2
    # Removed, and still retrievable from the history by whoever may see the assessment.
    assert client.get(url).status_code == 200
    assert client_of("focal_mda").get(url).status_code == 404


def test_the_pages_do_not_grow_with_documents(
    client_of, in_state, users, evidence_root, django_assert_num_queries
):
    assessment = in_state("submitted")
    for n in range(3):
        attach(assessment, users, code="H-INS-01", name=f"a{n}.pdf")
    client = client_of("reviewer")
    url = reverse("assessments:detail", args=[assessment.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(3, 30):
        attach(assessment, users, code="H-LAB-01", name=f"b{n}.pdf")
    with django_assert_num_queries(len(few)):
        page = client.get(url)
    assert page.content.decode().count("evidence-meta") == 30


def test_the_template_names_each_answers_documents_and_the_import_ignores_them(
    client_of, assessment, users, evidence_root
):
    import io

    from openpyxl import load_workbook

    from assessments.models import Answer

    attach(assessment, users, code="H-INS-01", name="decree.pdf")
    attach(assessment, users, code="H-INS-01", name="=budget.pdf")
    client = client_of("focal_phl")
    got = client.get(reverse("assessments:template", args=[assessment.pk]))
    sheet = load_workbook(io.BytesIO(got.content))["responses"]
    header = [c.value for c in sheet[1]]
    rows = {r[3]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(2, values_only=True)}
    assert rows["H-INS-01"]["documents"] == "decree.pdf; =budget.pdf"  # stored as text
    assert rows["H-LAB-01"]["documents"] is None
    # Uploaded back unchanged: the column is not read, nothing changes, no file is touched.
    before = list(Answer.objects.values_list("indicator__code", "value", "evidence"))
    upload = SimpleUploadedFile("t.xlsx", got.content)
    client.post(reverse("assessments:upload", args=[assessment.pk]), {"file": upload})
    assert list(Answer.objects.values_list("indicator__code", "value", "evidence")) == before
    assert EvidenceDocument.objects.filter(removed_at__isnull=True).count() == 2
