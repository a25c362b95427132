"""The node's CAF API, under /federation/v1/node/cafs/."""

from django.urls import path

from . import api, referral_api

app_name = "caf_api"
urlpatterns = [
    path("federation/v1/node/cafs/referrals", referral_api.receive, name="referral_receive"),
    path(
        "federation/v1/node/cafs/referrals/received",
        referral_api.received,
        name="referrals_received",
    ),
    path("federation/v1/node/cafs/referrals/<uuid:uid>", referral_api.one, name="referral"),
    path("federation/v1/node/cafs/find", api.find, name="find"),
    path("federation/v1/node/cafs/start", api.start, name="start"),
    path("federation/v1/node/cafs/<uuid:uid>", api.current, name="current"),
    path(
        "federation/v1/node/cafs/<uuid:uid>/sections/<slug:section>",
        api.save_section,
        name="save_section",
    ),
    path("federation/v1/node/cafs/<uuid:uid>/complete", api.complete, name="complete"),
    path("federation/v1/node/cafs/<uuid:uid>/versions", api.versions, name="versions"),
    path("federation/v1/node/cafs/<uuid:uid>/versions/<int:number>", api.version, name="version"),
    path("federation/v1/node/cafs/<uuid:uid>/meetings", api.arrange_meeting, name="meetings"),
    path(
        "federation/v1/node/cafs/<uuid:uid>/meetings/<uuid:meeting>",
        api.record_meeting,
        name="meeting",
    ),
    path(
        "federation/v1/node/cafs/<uuid:uid>/meetings/<uuid:meeting>/actions",
        api.add_action,
        name="actions",
    ),
    path(
        "federation/v1/node/cafs/<uuid:uid>/actions/<int:action>",
        api.action_status,
        name="action",
    ),
    path(
        "federation/v1/node/cafs/<uuid:uid>/invitations/<int:invitation>/escalate",
        api.escalate,
        name="escalate",
    ),
    path("federation/v1/node/cafs/<uuid:uid>/close", api.close, name="close"),
]
