"""Every page carries a Content-Security-Policy that runs no inline script (script-src
'self' only, no plugin, no framing, forms and <base> to this site), and no page has an
inline script or an on* attribute that such a policy would block: the pages' JavaScript
lives in static/js/, their data in json_script blocks (type application/json)."""

from html.parser import HTMLParser

import pytest

from tests.dashboards.conftest import known_scores, make_score, make_spreads  # noqa: F401

PAGES = [
    ("anonymous", "/accounts/login/"),
    ("anonymous", "/accounts/password_reset/"),
    ("anonymous", "/api/docs/"),
    ("focal_phl", "/"),
    ("focal_phl", "/assessments/{pk}/"),
    ("focal_phl", "/assessments/{pk}/history/H-LAB-01/"),
    ("focal_phl", "/accounts/password_change/"),
    ("reviewer", "/assessments/queue/"),
    ("focal_phl", "/assessments/framework/?crosswalk=GCM-4"),
    ("reviewer", "/grid/"),
    ("reviewer", "/grid/cell/?level=national&tool_type=policy"),
    ("reviewer", "/grid/compare/?a=PHL&b=MDA"),
    ("reviewer", "/dashboards/country/PHL/"),
    ("reviewer", "/dashboards/compare/"),
    ("reviewer", "/dashboards/interactions/"),
    ("reviewer", "/dashboards/interests/PHL/"),
]


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parts = (part.split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in parts}


class InlineCode(HTMLParser):
    """Scripts without src (other than JSON data blocks), on* attributes, javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        data = attributes.get("type") == "application/json"
        if tag == "script" and "src" not in attributes and not data:
            self.found.append(f"<script> without src at line {self.getpos()[0]}")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…> at line {self.getpos()[0]}")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}=javascript:…> at line {self.getpos()[0]}")


@pytest.mark.usefixtures("known_scores")
@pytest.mark.parametrize(("who", "url"), PAGES)
def test_every_page_has_a_policy_and_no_inline_script(client_of, assessment, who, url):
    response = client_of(who).get(url.format(pk=assessment.pk))
    assert response.status_code == 200, (url, response.status_code)
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["font-src"] == ["'self'"]
    reader = InlineCode()
    reader.feed(response.content.decode())
    assert reader.found == [], url


def test_the_api_docs_load_their_start_script_from_this_site(client):
    page = client.get("/api/docs/").content.decode()
    assert '<script src="/api/docs/?script="></script>' in page
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_api_answers_carry_the_policy_too(client):
    response = client.get("/api/v1/assessments/")
    assert response.status_code in (401, 403)
    assert directives(response)["default-src"] == ["'self'"]
