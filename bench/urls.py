from django.http import JsonResponse
from django.urls import path

from coherence.urls import urlpatterns as product

BODY = {"country": "PHL", "cycle": 2026, "overall": 63.42, "band": "established"}


def constant(request):
    """The baseline: a bare Django view returning a constant JSON body."""
    return JsonResponse(BODY)


urlpatterns = [path("bench/constant/", constant), *product]
