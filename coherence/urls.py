"""The project's URLs: mounts every app (the one place `coherence` imports them)."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from assessments import views as assessment_views

urlpatterns = [
    path("api/v1/", include("assessments.api.urls")),  # first: the busiest paths
    path("", assessment_views.start, name="start"),
    path("accounts/", include("actors.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("assessments/", include("assessments.urls")),
    path("grid/", include("instruments.grid.urls")),
    path("dashboards/", include("assessments.dashboards.urls")),
    path("public/", include("assessments.dashboards.public_urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
]

# The error pages in the site's look and the reader's language (templates/403.html,
# 404.html, 500.html); the 500 page renders with no context and no database.
handler403 = "django.views.defaults.permission_denied"
handler404 = "django.views.defaults.page_not_found"
handler500 = "django.views.defaults.server_error"
