"""The assessment pages: create, fill in, import, submit, review (DESIGN §8)."""

from django.urls import path

from assessments import discussion_views, views
from assessments.choices import Action
from assessments.evidence import views as evidence
from assessments.stocktake import views as stocktake_views

app_name = "assessments"

urlpatterns = [
    path("new/", views.new, name="new"),
    path("queue/", views.queue, name="queue"),
    path("framework/", views.framework, name="framework"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.detail, name="edit"),
    path("<int:pk>/save/", views.save, name="save"),
    path("<int:pk>/template.xlsx", views.template, name="template"),
    path("<int:pk>/upload/", views.upload, name="upload"),
    path("<int:pk>/history/<str:code>/", views.history, name="history"),
    path("<int:pk>/documents/", evidence.documents, name="documents"),
    path("<int:pk>/documents/<int:document>/", evidence.download, name="document"),
    path("<int:pk>/answers/<str:code>/comments/", discussion_views.post, name="comment"),
    path(
        "<int:pk>/answers/<str:code>/comments/<int:comment>/edit/",
        discussion_views.edit,
        name="comment_edit",
    ),
    path("<int:pk>/answers/<str:code>/comments/read/", discussion_views.read, name="comments_read"),
    path("<int:pk>/stocktake/", stocktake_views.stocktake, name="stocktake"),
    path("<int:pk>/stocktake/history/", stocktake_views.history, name="stocktake_history"),
    *(
        path(f"<int:pk>/{action}/", views.transition, {"action": action}, name=action)
        for action in Action.values
    ),
]
