"""/public/: the profiles countries have published to the public, without signing in."""

from django.urls import path, re_path

from assessments.dashboards import public

app_name = "public"

CYCLE = r"(?P<iso3>[A-Za-z]{3})/(?P<cycle>20\d\d|2100)"

urlpatterns = [
    path("", public.index, name="index"),
    re_path(rf"^{CYCLE}/$", public.profile, name="profile"),
    re_path(rf"^{CYCLE}\.pdf$", public.profile_pdf, name="profile_pdf"),
    re_path(rf"^{CYCLE}/pdf-status/$", public.profile_pdf_status, name="profile_pdf_status"),
]
