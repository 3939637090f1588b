"""CSRF is enforced on every form of the pages: a post without the token is refused and
writes nothing; every POST form carries the token."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import Answer, Assessment
from tests.factories import PASSWORD
from tests.pages.conftest import read_form, sign_in_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def strict(users):
    client = Client(enforce_csrf_checks=True)
    assert client.login(request=sign_in_request(), username="focal-phl", password=PASSWORD)
    return client


def test_a_save_without_the_token_is_refused(strict, assessment):
    page = strict.get(reverse("assessments:detail", args=[assessment.pk]))
    data = read_form(page)
    data["v-H-INS-01"] = ["yes"]
    token = data.pop("csrfmiddlewaretoken")
    response = strict.post(reverse("assessments:save", args=[assessment.pk]), data)
    assert response.status_code == 403
    assert not Answer.objects.exists()
    data["csrfmiddlewaretoken"] = token
    response = strict.post(reverse("assessments:save", args=[assessment.pk]), data)
    assert response.status_code == 302
    assert Answer.objects.get().value == 1.0


def test_transitions_and_new_assessments_need_the_token(strict, assessment):
    assert strict.post(reverse("assessments:submit", args=[assessment.pk])).status_code == 403
    assert Assessment.objects.get().state == "draft"
    response = strict.post(reverse("assessments:new"), {"cycle": "2030", "perspective": "both"})
    assert response.status_code == 403
    assert Assessment.objects.count() == 1


def post_forms(html: str) -> list[str]:
    return re.findall(r'<form[^>]*method="post"[^>]*>.*?</form>', html, flags=re.S)


@pytest.mark.parametrize("who", ["focal_phl", "reviewer"])
def test_every_post_form_carries_the_token(client_of, in_state, who):
    assessment = in_state("submitted" if who == "reviewer" else "draft")
    client = client_of(who)
    pages = ["/", reverse("assessments:detail", args=[assessment.pk])]
    for url in pages:
        forms = post_forms(client.get(url).content.decode())
        assert forms, url
        for form in forms:
            assert 'name="csrfmiddlewaretoken"' in form, (url, form[:200])
