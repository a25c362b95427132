"""The Benefits Calculator's pages, each part's from its own urls module: building a model
(``pages``), its results and charts (``results``) and the Regional Business Case (``case``).
A part not yet present is left out, so each part's pages work on their own."""

from importlib.util import find_spec

from django.urls import include, path

app_name = "benefits"
PARTS = ("pages", "results", "case")
urlpatterns = [
    path("benefits/", include(f"fame.benefits.{part}.urls"))
    for part in PARTS
    if find_spec(f"fame.benefits.{part}") is not None
]
