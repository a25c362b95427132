"""The Benefits Calculator's pages, each part's from its own urls module: building a model
(``pages``), its results and charts (``results``, whose module writes its paths in full)
and the Regional Business Case (``case``)."""

from django.urls import include, path

app_name = "benefits"
urlpatterns = [
    path("benefits/", include("fame.benefits.pages.urls")),
    path("", include("fame.benefits.results.urls")),
    path("benefits/", include("fame.benefits.case.urls")),
]
