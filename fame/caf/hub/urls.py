"""The CAF pages, reached from a child's record open in this session."""

from django.urls import path

from . import budget_views, referral_views, team_views, views

app_name = "caf"
urlpatterns = [
    path("children/record/<str:handle>/caf", views.home, name="home"),
    path("children/record/<str:handle>/caf/start", views.start, name="start"),
    path("children/record/<str:handle>/caf/sections/<slug:key>", views.section, name="section"),
    path("children/record/<str:handle>/caf/check", views.check, name="check"),
    path("children/record/<str:handle>/caf/versions", views.versions, name="versions"),
    path("children/record/<str:handle>/caf/versions/<int:number>", views.version, name="version"),
    path("children/record/<str:handle>/caf/compare", views.compare, name="compare"),
    path(
        "children/record/<str:handle>/caf/meetings/new", team_views.meeting_new, name="meeting_new"
    ),
    path(
        "children/record/<str:handle>/caf/meetings/<uuid:meeting>",
        team_views.meeting,
        name="meeting",
    ),
    path("children/record/<str:handle>/caf/close", team_views.close, name="close"),
    path(
        "children/record/<str:handle>/caf/family-copy.pdf",
        team_views.family_copy,
        name="family_copy",
    ),
    path("children/record/<str:handle>/caf/budget", budget_views.budget, name="budget"),
    path(
        "children/record/<str:handle>/caf/budget/commission",
        budget_views.commission,
        name="budget_commission",
    ),
    path(
        "children/record/<str:handle>/caf/budget/spend/<int:commitment>",
        budget_views.spend,
        name="budget_spend",
    ),
    path("caf/queue", team_views.queue, name="queue"),
    path("caf/budgets/<int:overview>", budget_views.allocate, name="budget_allocate"),
    path("caf/referrals", referral_views.received, name="referrals"),
    path("caf/referrals/<uuid:uid>", referral_views.referral, name="referral"),
]
