"""The site's URLs plus two that fail, for the error pages' tests."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from coherence.urls import handler403, handler404, handler500, urlpatterns  # noqa: F401


def refuse(request):
    raise PermissionDenied


def fail(request):
    raise RuntimeError("a bug")


urlpatterns = [*urlpatterns, path("refuse/", refuse), path("fail/", fail)]
