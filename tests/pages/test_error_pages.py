"""404, 403 and 500 answer in the site's look and the reader's language, with DEBUG off
(as in production); the 500 page renders without a database or a request context."""

import pytest
from django.test import Client, RequestFactory
from django.utils import translation

pytestmark = pytest.mark.urls("tests.pages.error_urls")


def french(client: Client) -> Client:
    client.cookies["django_language"] = "fr"
    return client


@pytest.mark.django_db
def test_a_missing_page_is_the_sites_404_in_french(client_of, settings):
    settings.DEBUG = False
    response = french(client_of("focal_phl")).get("/nowhere/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "<h1>Page introuvable</h1>" in html
    assert 'aria-label="Principal"' in html  # the site's navigation
    assert 'href="/grid/"' in html and "Erreur 404" in html


@pytest.mark.django_db
def test_an_anonymous_404_in_spanish(client, settings):
    settings.DEBUG = False
    client.cookies["django_language"] = "es"
    html = client.get("/nowhere/").content.decode()
    assert "<h1>Página no encontrada</h1>" in html
    assert 'class="site-nav"' not in html  # no navigation for someone not signed in


@pytest.mark.django_db
def test_an_assessment_one_may_not_see_is_the_same_404(client_of, in_state, settings):
    settings.DEBUG = False
    assessment = in_state("draft")
    response = french(client_of("focal_mda")).get(f"/assessments/{assessment.pk}/")
    assert response.status_code == 404
    assert "<h1>Page introuvable</h1>" in response.content.decode()


@pytest.mark.django_db
def test_a_refusal_is_the_sites_403_in_french(client_of, settings):
    settings.DEBUG = False
    response = french(client_of("focal_phl")).get("/refuse/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>Accès refusé</h1>" in html and "Erreur 403" in html


@pytest.mark.django_db
def test_a_server_error_is_the_sites_500_in_french(users, settings):
    settings.DEBUG = False
    client = french(Client(raise_request_exception=False))
    client.force_login(users["focal_phl"])
    response = client.get("/fail/")
    assert response.status_code == 500
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "<h1>Une erreur s’est produite</h1>" in html and "Erreur 500" in html
    assert "a bug" not in html


def test_the_500_page_needs_no_database_and_no_context():
    """No django_db mark: any query here raises. The handler renders the template with no
    request context, so no context processor (user, principal) may be needed."""
    from django.views.defaults import server_error

    request = RequestFactory().get("/fail/")
    with translation.override("es"):
        response = server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Se ha producido un error</h1>" in html
    assert "/static/css/coherence.css" in html
