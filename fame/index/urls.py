from django.urls import path

from . import views

app_name = "index"
urlpatterns = [
    path("children", views.search, name="search"),
    path("children/results/<str:handle>", views.open_record, name="open"),
    path("children/record/<str:handle>", views.record, name="record"),
    path("children/record/<str:handle>/involvement", views.involvement_new, name="involvement_new"),
    path(
        "children/record/<str:handle>/involvement/<int:involvement_id>/end",
        views.involvement_end,
        name="involvement_end",
    ),
    path("children/record/<str:handle>/shield", views.shield, name="shield"),
    path("children/record/<str:handle>/access-report", views.access_report, name="access_report"),
    path("children/record/<str:handle>/disclosures", views.disclosures, name="disclosures"),
    path("matches", views.review_queue, name="review_queue"),
    path("matches/decisions", views.review_decisions, name="review_decisions"),
    path("matches/<int:item_id>", views.review_item, name="review_item"),
    path("matches/records/<int:record_id>/split", views.split, name="split"),
]
