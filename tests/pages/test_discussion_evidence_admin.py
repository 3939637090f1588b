"""The discussion's comments and the evidence documents in the admin, for the catalogue
administrator: listed by names (country, actor, cycle) with the answer's code, searched and
filtered, read — never added, changed nor deleted there (comments are never deleted; a
document is removed by its focal point, under the answer's edit rules). Nobody else
reaches them; pinned query counts."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from assessments import discussion
from assessments.models import Comment, EvidenceDocument
from tests.evidence_files import evidence_root, png
from tests.pages.conftest import bring_to
from tests.pages.test_evidence_pages import attach
from tests.pages.test_permission_matrix import ROLES

__all__ = ["evidence_root"]
pytestmark = pytest.mark.django_db

COMMENTS = "/admin/assessments/comment/"
DOCUMENTS = "/admin/assessments/evidencedocument/"
# Session, user, the country filter's countries, the count and the total, the rows (joined
# to their assessment, country, actor, indicator and author), the date hierarchy's two and
# the cycle filter's cycles; the documents' type filter one more.
LIST_QUERIES = {COMMENTS: 9, DOCUMENTS: 10}
PNG_NAME = "site-visit.png"


@pytest.fixture
def admin(catalogue):
    user = get_user_model().objects.create_superuser("root", "root@example.org", "x-pass-2026")
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def written(assessment, users, evidence_root):
    document = attach(assessment, users, code="H-LAB-01", name="decree.pdf")
    attach(assessment, users, code="H-INS-01", name=PNG_NAME, content=png(40, 40))
    submitted = bring_to(assessment, "submitted", users)
    discussion.post_comment(
        submitted, by=users["reviewer"], indicator="H-INS-01", body="Which decree set it up?"
    )
    discussion.post_comment(
        submitted, by=users["focal_phl"], indicator="H-LAB-01", body="Executive Order 2024-12."
    )
    return {"assessment": submitted, "document": document}


def test_comments_are_listed_by_names_with_the_answer_and_author(admin, written):
    html = admin.get(COMMENTS).content.decode()
    for text in (
        "Philippines",
        "Department of Migrant Workers",
        "2026",
        "H-INS-01",
        "H-LAB-01",
        "cochair",
        "focal-phl",
        "Which decree set it up?",
        "Executive Order 2024-12.",
    ):
        assert text in html, text
    assert "2 comments" in html


def test_comments_are_searched_and_filtered(admin, written):
    found = admin.get(COMMENTS, {"q": "decree"}).content.decode()
    assert "Which decree set it up?" in found and "Executive Order 2024-12." not in found
    reviewers = admin.get(COMMENTS, {"side": "reviewer"}).content.decode()
    assert "Which decree set it up?" in reviewers and "Executive Order" not in reviewers
    other = admin.get(COMMENTS, {"assessment__country__iso3__exact": "MDA"}).content.decode()
    assert "0 comments" in other


def test_documents_are_listed_with_size_and_type(admin, written):
    html = admin.get(DOCUMENTS).content.decode()
    size = EvidenceDocument.objects.get(pk=written["document"].pk).size
    for text in (
        "decree.pdf",
        PNG_NAME,
        "Philippines",
        "Department of Migrant Workers",
        "H-LAB-01",
        "application/pdf",
        "image/png",
        f"{size}\xa0bytes",
    ):
        assert text in html, text
    pdfs = admin.get(DOCUMENTS, {"content_type__exact": "application/pdf"}).content.decode()
    assert "decree.pdf" in pdfs and PNG_NAME not in pdfs
    assert PNG_NAME in admin.get(DOCUMENTS, {"q": "H-INS-01"}).content.decode()


def test_removed_documents_are_told_apart(admin, written, users):
    EvidenceDocument.objects.filter(pk=written["document"].pk).update(
        removed_by=users["focal_phl"], removed_at=timezone.now()
    )
    removed = admin.get(DOCUMENTS, {"removed": "yes"}).content.decode()
    attached = admin.get(DOCUMENTS, {"removed": "no"}).content.decode()
    assert "decree.pdf" in removed and PNG_NAME not in removed
    assert PNG_NAME in attached and "decree.pdf" not in attached


@pytest.mark.parametrize("url", [COMMENTS, DOCUMENTS])
def test_nothing_is_added_changed_or_deleted_there(admin, written, url):
    model = Comment if url == COMMENTS else EvidenceDocument
    row = model.objects.first()
    before = list(model.objects.order_by("pk").values())
    assert admin.get(f"{url}add/").status_code == 403
    assert admin.get(f"{url}{row.pk}/delete/").status_code == 403
    page = admin.get(f"{url}{row.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # read, not a form to save
    assert admin.post(f"{url}{row.pk}/change/", {"body": "x", "name": "x"}).status_code == 403
    listing = admin.get(url).content.decode()
    assert "delete_selected" not in listing and f"{url}add/" not in listing
    assert admin.post(url, {"action": "delete_selected", "_selected_action": [row.pk]})
    assert list(model.objects.order_by("pk").values()) == before
    assert admin.get(f"{url}{row.pk}/history/").status_code == 200


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", [COMMENTS, DOCUMENTS])
def test_nobody_else_reaches_them(client_of, written, role, url):
    response = client_of(role).get(url)
    assert response.status_code == 302 and response.url.startswith("/admin/login/")


def test_staff_without_the_view_permission_are_refused(written):
    user = get_user_model().objects.create_user("clerk", "clerk@example.org", "x", is_staff=True)
    client = Client()
    client.force_login(user)
    assert client.get(COMMENTS).status_code == 403
    user.user_permissions.add(Permission.objects.get(codename="view_comment"))
    assert client.get(COMMENTS).status_code == 200
    assert client.get(DOCUMENTS).status_code == 403


@pytest.mark.parametrize("url", [COMMENTS, DOCUMENTS])
def test_the_lists_do_not_grow_with_rows(admin, written, users, url, django_assert_num_queries):
    assessment = written["assessment"]
    admin.get(url)
    with django_assert_num_queries(LIST_QUERIES[url]):
        admin.get(url)
    for n in range(12):
        code = ("H-INS-01", "H-LAB-01")[n % 2]
        if url == COMMENTS:
            discussion.post_comment(assessment, by=users["reviewer"], indicator=code, body=f"#{n}")
        else:
            attach(assessment, users, code=code, name=f"annex-{n}.pdf")
    with django_assert_num_queries(LIST_QUERIES[url]):
        admin.get(url)
