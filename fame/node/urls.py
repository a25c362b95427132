"""A node's API, under /federation/v1/node/."""

from django.urls import path

from . import api

app_name = "node"
urlpatterns = [
    path("federation/v1/node/records", api.records, name="records"),
    path("federation/v1/node/caf", api.caf, name="caf"),
    path("federation/v1/node/detail-requests", api.detail_requests, name="detail_requests"),
]
