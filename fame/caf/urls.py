"""The CAF pages, reached from a child's record open in this session."""

from django.urls import path

from . import views

app_name = "caf"
urlpatterns = [
    path("children/record/<str:handle>/caf", views.home, name="home"),
    path("children/record/<str:handle>/caf/start", views.start, name="start"),
    path("children/record/<str:handle>/caf/sections/<slug:key>", views.section, name="section"),
    path("children/record/<str:handle>/caf/check", views.check, name="check"),
    path("children/record/<str:handle>/caf/versions", views.versions, name="versions"),
    path("children/record/<str:handle>/caf/versions/<int:number>", views.version, name="version"),
    path("children/record/<str:handle>/caf/compare", views.compare, name="compare"),
]
