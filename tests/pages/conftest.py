"""Helpers of the page tests: signed-in clients, assessments brought to each state, and
the posted form of the fill-in page as a browser would send it."""

from html.parser import HTMLParser

import pytest
from django.http import HttpRequest
from django.test import Client

from assessments import services
from assessments.models import Assessment
from assessments.services import AnswerInput
from tests.factories import PASSWORD

# What each test assessment of PHL-DMW (perspective both) answers before moving on.
FIRST_ANSWERS = {
    "H-INS-01": AnswerInput(value=1.0, evidence="Inter-ministerial committee decree 2024"),
    "H-LAB-01": AnswerInput(value=5.0),
    "H-DIA-01": AnswerInput(value=40.0, instruments=["PHL-LMP"]),
}


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """The factories hash six passwords per test: a fast hasher keeps the page tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def sign_in_request() -> HttpRequest:
    """What django-axes needs to count a sign-in made with `Client.login`: a request with
    the client's address."""
    request = HttpRequest()
    request.META["REMOTE_ADDR"] = "127.0.0.1"
    return request


def signed_in(user) -> Client:
    client = Client()
    assert client.login(request=sign_in_request(), username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def client_of(users):
    """client_of("focal_phl") → a client signed in as that user of tests.factories."""
    cache = {}

    def make(name: str) -> Client:
        if name not in cache:
            cache[name] = signed_in(users[name]) if name != "anonymous" else Client()
        return cache[name]

    return make


def bring_to(assessment: Assessment, state: str, users, *, flag=("H-LAB-01",)) -> Assessment:
    """Answer a few indicators, then walk the workflow to `state` through the services.
    `returned` returns the indicators in `flag` (or the whole assessment when empty)."""
    services.save_answers(
        assessment, by=users["focal_phl"], version=assessment.version, answers=FIRST_ANSWERS
    )
    assessment = Assessment.objects.get(pk=assessment.pk)
    if state != "draft":
        assessment = services.submit(assessment, by=users["focal_phl"])
    if state == "returned":
        comments = {code: f"Please check {code}" for code in flag}
        assessment = services.return_for_correction(
            assessment, by=users["reviewer"], reason="Evidence missing", indicators=comments or None
        )
    if state == "validated":
        assessment = services.validate(assessment, by=users["reviewer"])
    assert assessment.state == state
    return Assessment.objects.get(pk=assessment.pk)


@pytest.fixture
def in_state(assessment, users):
    def make(state: str, **kwargs) -> Assessment:
        return bring_to(assessment, state, users, **kwargs)

    return make


class FormReader(HTMLParser):
    """The fields a browser would post from one form of a page: checked radios and
    checkboxes, selected options, textareas (less the newline after the tag), and
    nothing disabled — neither a disabled control nor one in a disabled fieldset."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.disabled_depth = 0
        self.fieldsets: list[bool] = []
        self.fields: dict[str, list[str]] = {}
        self.textarea: tuple[str, list[str]] | None = None
        self.select: str | None = None
        self.action = None

    def _add(self, name, value):
        self.fields.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == self.form_id:
            self.inside, self.action = True, a.get("action")
            return
        if not self.inside:
            return
        off = "disabled" in a or any(self.fieldsets)
        if tag == "fieldset":
            self.fieldsets.append("disabled" in a)
        elif tag == "input" and a.get("name") and not off:
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox"):
                if "checked" in a:
                    self._add(a["name"], a.get("value", "on"))
            elif kind not in ("submit", "button", "file", "reset", "image"):
                self._add(a["name"], a.get("value", ""))
        elif tag == "textarea" and a.get("name") and not off:
            self.textarea = (a["name"], [])
        elif tag == "select" and a.get("name") and not off:
            self.select = a["name"]
            self.fields.setdefault(self.select, [])
        elif tag == "option" and self.select and "selected" in a:
            self._add(self.select, a.get("value", ""))

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "form":
            self.inside = False
        elif tag == "fieldset" and self.fieldsets:
            self.fieldsets.pop()
        elif tag == "textarea" and self.textarea:
            name, parts = self.textarea
            text = "".join(parts)
            self._add(name, text[1:] if text.startswith("\n") else text)
            self.textarea = None
        elif tag == "select":
            self.select = None

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1].append(data)


def read_form(response, form_id: str = "answers-form") -> dict[str, list[str]]:
    reader = FormReader(form_id)
    reader.feed(response.content.decode())
    assert reader.action is not None, f"no form #{form_id} on the page"
    return {name: list(values) for name, values in reader.fields.items()}


def answer_values(assessment: Assessment) -> dict[str, tuple]:
    """code → (value, na, evidence, instruments) of what is stored."""
    return {
        a.indicator.code: (a.value, a.na, a.evidence, a.instruments)
        for a in assessment.answers.select_related("indicator")
    }
