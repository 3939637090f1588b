"""The country profile's PDF: rendered on the server by a Celery task with
WeasyPrint from the profile's own HTML and print stylesheet (charts are inline SVG, so they
go in as vectors; DejaVu fonts embedded, French and Spanish accents included), stored in
the `profiles` storage under a name that holds the fingerprint of the scores it was read
from, and served from there until a recompute changes them.

While a PDF renders, the cache holds its state (`rendering`, then `failed` if the task
failed); the page that asked says it is being prepared and refreshes itself."""

import logging
from contextlib import suppress

from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.http import FileResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation

from coherence.api.caching import CACHE_DOWN

log = logging.getLogger(__name__)

# How long a render may be announced before it is tried again (the task's hard limit is 60 s).
RENDERING_SECONDS = 90
READY, RENDERING, FAILED, MISSING = "ready", "rendering", "failed", "missing"


def storage():
    return storages["profiles"]


def key_of(context: dict, language: str) -> str:
    """The stored PDF's name: country, cycle, scope, language and the scores' fingerprint."""
    return (
        f"{context['country'].iso3}-{context['cycle']}-{context['scope']}-"
        f"{(language or 'en')[:2]}-{context['fingerprint']}.pdf"
    )


def _state_key(name: str) -> str:
    return f"profile-pdf:{name}"


def state(name: str) -> str:
    if storage().exists(name):
        return READY
    try:
        return cache.get(_state_key(name)) or MISSING
    except CACHE_DOWN:
        return MISSING


def _announce(name: str, value: str) -> bool:
    """Mark the render's state; True when this caller is the one to queue it."""
    try:
        if value == RENDERING:
            return cache.add(_state_key(name), RENDERING, RENDERING_SECONDS) or (
                cache.get(_state_key(name)) == FAILED
                and cache.set(_state_key(name), RENDERING, RENDERING_SECONDS) is None
            )
        cache.set(_state_key(name), value, RENDERING_SECONDS)
    except CACHE_DOWN:
        return True
    return True


def pdf_bytes(context: dict) -> bytes:
    """The profile's HTML, printed to PDF."""
    from weasyprint import CSS, HTML  # heavy: loaded by the worker when it first renders

    html = render_to_string("profile/pdf.html", {**context, "for_pdf": True})
    stylesheet = CSS(filename=finders.find("css/profile.css"))
    return HTML(string=html, base_url=None).write_pdf(stylesheets=[stylesheet])


def render_and_store(iso3: str, cycle: int, scope: str, language: str) -> str | None:
    """Render the profile as the scope reads it now, in `language`, and store it (the task's
    body). Returns the stored name, or None where there is no such profile any longer."""
    from assessments.dashboards.profile import profile_context
    from coherence.models import Country

    country = Country.objects.filter(iso3=iso3).first()
    with translation.override(language):
        context = country and profile_context(country, cycle, scope)
        if context is None:
            return None
        name = key_of(context, language)
        if not storage().exists(name):
            try:
                content = pdf_bytes(context)
            except Exception:
                _announce(name, FAILED)
                raise
            storage().save(name, ContentFile(content))
            _forget_older(name)
    with suppress(*CACHE_DOWN):
        cache.delete(_state_key(name))
    return name


def _forget_older(name: str) -> None:
    """Delete the PDFs this one replaces: the same profile, scope and language read from
    scores since rewritten (a reader still streaming one keeps its open file)."""
    prefix = name.rsplit("-", 1)[0] + "-"
    _folders, files = storage().listdir("")
    for other in files:
        if other.startswith(prefix) and other != name:
            storage().delete(other)


def _file(name: str, context: dict) -> FileResponse:
    filename = f"profile-{context['country'].iso3}-{context['cycle']}.pdf"
    return FileResponse(
        storage().open(name, "rb"),
        content_type="application/pdf",
        filename=filename,
        as_attachment=False,
    )


def serve_or_queue(request, context: dict, *, status_url: str, template="profile/preparing.html"):
    """The stored PDF; else queue its render and say it is being prepared (202). With tasks
    in process (no Redis) the render has finished when `delay` returns: served at once."""
    from assessments.tasks import render_profile_pdf

    language = translation.get_language() or "en"
    name = key_of(context, language)
    if storage().exists(name):
        return _file(name, context)
    if _announce(name, RENDERING):
        render_profile_pdf.delay(
            context["country"].iso3, context["cycle"], context["scope"], language
        )
        if storage().exists(name):
            return _file(name, context)
    context = {**context, "status_url": status_url, "failed": state(name) == FAILED}
    return render(request, template, context, status=202)
