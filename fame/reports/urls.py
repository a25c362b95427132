"""Management information's pages."""

from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("reports/", views.home, name="home"),
    path("reports/comparators/", views.comparators, name="comparators"),
    path("reports/<slug:slug>/", views.report, name="report"),
    path("reports/<slug:slug>/chart/<slug:key>.svg", views.chart, name="chart"),
]
