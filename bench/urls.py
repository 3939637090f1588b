from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import path

from coherence.urls import urlpatterns as product

BODY = {"country": "PHL", "cycle": 2026, "overall": 63.42, "band": "established"}


def constant(request):
    """The baseline: a bare Django view returning a constant JSON body."""
    return JsonResponse(BODY)


def public_uncached(request, iso3: str, cycle: int):
    """A public profile rendered on every request, as the view does on a cache miss."""
    from assessments.dashboards.public import _public_profile

    context = _public_profile(iso3, cycle)
    return HttpResponse(render_to_string("profile/public_profile.html", context))


urlpatterns = [
    path("bench/constant/", constant),
    path("bench/public-uncached/<str:iso3>/<int:cycle>/", public_uncached),
    *product,
]
