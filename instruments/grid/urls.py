from django.urls import path

from instruments.grid import views

app_name = "grid"

urlpatterns = [
    path("", views.grid_page, name="grid"),
    path("cell/", views.cell_page, name="cell"),
    path("compare/", views.compare_page, name="compare"),
]
