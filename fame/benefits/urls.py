"""The Benefits Calculator's pages, each part's from its own urls module: building a model
(``pages``), its results and charts (``results``, whose module writes its paths in full)
and the Regional Business Case (``case``). A part not present is left out, so each part's
pages also work on their own."""

from importlib.util import find_spec

from django.urls import include, path

app_name = "benefits"
PARTS = (("pages", "benefits/"), ("results", ""), ("case", "benefits/"))
urlpatterns = [
    path(prefix, include(f"fame.benefits.{part}.urls"))
    for part, prefix in PARTS
    if find_spec(f"fame.benefits.{part}") is not None
]
