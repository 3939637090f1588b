"""The profile's PDF: rendered on the server by the task, its text extractable
in reading order with the API's figures, fonts embedded (French accents), stored and served
from storage until the scores change, a progress state while it renders."""

import io
import re

import pytest
from django.core.cache import cache
from pypdf import PdfReader

from assessments import pdf, recompute
from assessments.choices import Audience
from assessments.publication import publish
from coherence.choices import AREA_CODES, Dimension, Link
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db

URL = "/dashboards/country/PHL/2025/profile.pdf"


def pdf_text(response) -> str:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content)
    reader = PdfReader(io.BytesIO(content))
    # Lines joined: a long name wrapped in its table cell reads as one phrase again.
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def shown(value, decimal: str = ".") -> str:
    return "—" if value is None else str(value).replace(".", decimal)


def in_order(entries: list[dict], codes) -> list[dict]:
    rank = {code: i for i, code in enumerate(codes)}
    return sorted(entries, key=lambda e: rank[e["code"]])


def coverage(value) -> str:
    return "—" if value is None else f"{round(100 * value)} %"


def api_score(profiles) -> dict:
    response = client_for(profiles["partner"]).get("/api/v1/scores/PHL/2025/")
    assert response.status_code == 200
    return response.json()


def test_the_pdf_reads_the_apis_figures_in_reading_order(profiles, browser_of):
    text = pdf_text(browser_of("focal_phl").get(URL))
    score = api_score(profiles)
    headline = [
        f"Overall coherence {shown(score['overall'])}",
        f"Horizontal coherence {shown(score['horizontal'])}",
        f"Vertical coherence {shown(score['vertical'])}",
        f"Divergence between ministries {shown(score['divergence'])}",
        f"Band: {score['band'].capitalize()}",
    ]
    # In the vocabularies' order, as the profile lists them (the factories' areas are named
    # by their codes).
    dimensions = [
        f"{Dimension(d['code']).label} {shown(d['score'])}"
        for d in in_order(score["dimensions"], Dimension.values)
    ]
    links = [
        f"{Link(e['code']).label} {shown(e['score'])}"
        for e in in_order(score["links"], Link.values)
    ]
    areas = [
        f"{a['code']} {shown(a['score'])} {coverage(a['coverage'])}"
        for a in in_order(score["areas"], AREA_CODES)
    ]
    # Each figure after its name, the sections in the page's order.
    positions = [text.index(phrase) for phrase in [*headline, *dimensions, *links, *areas]]
    assert positions == sorted(positions)
    assert text.index("Philippines — 2025") < positions[0]
    assert "Tools and safeguards" in text
    assert "not an official SDG 10.7.2 return" in text
    for entry in score["crosswalk"]:
        assert f"{entry['code']} " in text


def fonts_of(content: bytes) -> set[tuple[str, bool]]:
    fonts = set()
    for page in PdfReader(io.BytesIO(content)).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None:
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            descriptor = descriptor.get_object()
            fonts.add((str(font["/BaseFont"]), "/FontFile2" in descriptor))
    return fonts


def test_the_french_pdf_keeps_its_accents_with_embedded_fonts(profiles, browser_of):
    response = browser_of("focal_phl").get(URL, HTTP_ACCEPT_LANGUAGE="fr")
    content = b"".join(response.streaming_content)
    text = re.sub(
        r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    )
    score = api_score(profiles)
    assert f"Cohérence horizontale {shown(score['horizontal'], ',')}" in text
    assert "Établi" in text or score["band"] != "established"
    fonts = fonts_of(content)
    assert fonts and all(embedded for _name, embedded in fonts), fonts
    assert any("DejaVu" in name for name, _ in fonts)


def test_the_pdf_is_served_from_storage_until_the_scores_change(
    profiles, browser_of, profile_storage
):
    client = browser_of("focal_phl")
    first = b"".join(client.get(URL).streaming_content)
    stored = sorted(p.name for p in profile_storage.iterdir())
    assert len(stored) == 1 and stored[0].startswith("PHL-2025-full-en-")
    mtime = (profile_storage / stored[0]).stat().st_mtime_ns
    again = b"".join(client.get(URL).streaming_content)
    assert again == first
    assert (profile_storage / stored[0]).stat().st_mtime_ns == mtime  # not rendered again
    assert client.get(URL.replace(".pdf", "/pdf-status/")).json() == {"state": "ready"}
    recompute.recompute_consolidation("PHL", 2025)  # the scores written anew
    client.get(URL)
    now = [p.name for p in profile_storage.iterdir()]
    assert len(now) == 1 and now != stored  # rendered anew, the old one deleted


def test_while_it_renders_the_page_says_so_and_refreshes_itself(profiles, browser_of):
    client = browser_of("focal_phl")
    status = client.get(URL.replace(".pdf", "/pdf-status/")).json()
    assert status == {"state": "missing"}
    page = client.get("/dashboards/country/PHL/2025/profile/")
    name = pdf.key_of(page.context, "en")
    cache.set(f"profile-pdf:{name}", pdf.RENDERING, 60)  # a render under way elsewhere
    response = client.get(URL)
    assert response.status_code == 202
    body = response.content.decode()
    assert "being prepared" in body
    assert '<meta http-equiv="refresh"' in body
    assert 'data-status-url="/dashboards/country/PHL/2025/profile/pdf-status/"' in body
    assert client.get(URL.replace(".pdf", "/pdf-status/")).json() == {"state": "rendering"}


def test_the_public_pdf_is_the_public_scope_and_readable_without_signing_in(
    profiles, browser_of, profile_storage
):
    text = pdf_text(browser_of("anonymous").get("/public/PHL/2025.pdf"))
    assert "Philippines — 2025" in text
    assert [p.name[:19] for p in profile_storage.iterdir()] == ["PHL-2025-public-en-"]
    publish(country="PHL", cycle=2025, audience=Audience.PEERS, by=profiles["focal_phl"])
    assert browser_of("anonymous").get("/public/PHL/2025.pdf").status_code == 404
