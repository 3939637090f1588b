from django.urls import path, re_path

from assessments.dashboards import common, compare, country, interactions, interests, profile
from instruments.grid import exports as grid_exports

app_name = "dashboards"

urlpatterns = [
    path("", common.index, name="index"),
    re_path(r"^country/(?P<iso3>[A-Za-z]{3})/$", country.country, name="country"),
    re_path(
        r"^country/(?P<iso3>[A-Za-z]{3})/(?P<cycle>20\d\d|2100)/profile/$",
        profile.profile,
        name="profile",
    ),
    re_path(
        r"^country/(?P<iso3>[A-Za-z]{3})/(?P<cycle>20\d\d|2100)/profile\.pdf$",
        profile.profile_pdf,
        name="profile_pdf",
    ),
    re_path(
        r"^country/(?P<iso3>[A-Za-z]{3})/(?P<cycle>20\d\d|2100)/profile/pdf-status/$",
        profile.profile_pdf_status,
        name="profile_pdf_status",
    ),
    re_path(
        r"^country/(?P<iso3>[A-Za-z]{3})/(?P<cycle>20\d\d|2100)/profile/publication/$",
        profile.publication,
        name="profile_publication",
    ),
    path("compare/", compare.compare, name="compare"),
    path("interactions/", interactions.interactions, name="interactions"),
    re_path(r"^interests/(?P<iso3>[A-Za-z]{3})/$", interests.interests, name="interests"),
    # The grid's downloads live with the grid (instruments); their URLs stay here.
    path("grid/export/", grid_exports.grid_export, name="grid_export"),
    path("grid/cell/export/", grid_exports.grid_cell_export, name="grid_cell_export"),
    path("grid/compare/export/", grid_exports.grid_compare_export, name="grid_compare_export"),
]
