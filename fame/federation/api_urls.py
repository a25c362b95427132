"""The hub's API, under /federation/v1/hub/."""

from django.urls import path

from fame.audit import witness_api

from . import hub_api

app_name = "hub_api"
urlpatterns = [
    path("federation/v1/hub/index-updates", hub_api.index_updates, name="index_updates"),
    path("federation/v1/hub/audit/consistency", witness_api.consistency, name="consistency"),
]
