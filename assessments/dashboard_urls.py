from django.urls import path, re_path

from assessments import dashboards

app_name = "dashboards"

urlpatterns = [
    path("", dashboards.index, name="index"),
    re_path(r"^country/(?P<iso3>[A-Za-z]{3})/$", dashboards.country, name="country"),
    path("compare/", dashboards.compare, name="compare"),
    path("interactions/", dashboards.interactions, name="interactions"),
    re_path(r"^interests/(?P<iso3>[A-Za-z]{3})/$", dashboards.interests, name="interests"),
    path("grid/export/", dashboards.grid_export, name="grid_export"),
    path("grid/cell/export/", dashboards.grid_cell_export, name="grid_cell_export"),
    path("grid/compare/export/", dashboards.grid_compare_export, name="grid_compare_export"),
]
