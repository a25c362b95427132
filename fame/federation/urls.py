"""The hub's pages for detail requests."""

from django.urls import path

from . import views

app_name = "federation"
urlpatterns = [
    path("children/record/<str:handle>/ask/<str:agency_id>", views.ask, name="ask"),
    path("detail-requests/<uuid:uid>", views.detail_request, name="detail_request"),
    path("detail-requests/<uuid:uid>/retry", views.retry, name="retry"),
]
