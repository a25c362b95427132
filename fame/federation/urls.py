"""The hub's pages for detail requests, and its register of agency nodes."""

from django.urls import path

from . import registry_views, views

app_name = "federation"
urlpatterns = [
    path("children/record/<str:handle>/ask/<str:agency_id>", views.ask, name="ask"),
    path("detail-requests/<uuid:uid>", views.detail_request, name="detail_request"),
    path("detail-requests/<uuid:uid>/retry", views.retry, name="retry"),
    path("nodes", registry_views.nodes, name="nodes"),
]
