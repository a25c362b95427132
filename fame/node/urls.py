"""A node's API, under /federation/v1/node/."""

from django.urls import path

from fame.audit import witness_api

from . import api

app_name = "node"
urlpatterns = [
    path("federation/v1/node/records", api.records, name="records"),
    path("federation/v1/node/caf", api.caf, name="caf"),
    path("federation/v1/node/detail-requests", api.detail_requests, name="detail_requests"),
    path("federation/v1/node/audit/tree-heads", witness_api.tree_heads, name="tree_heads"),
    path("federation/v1/node/audit/witnessed-heads", witness_api.witnessed, name="witnessed"),
]
