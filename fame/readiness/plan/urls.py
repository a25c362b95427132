from django.urls import path

from . import views

urlpatterns = [
    path("rounds/<int:round_id>/plan", views.plan, name="plan"),
    path(
        "rounds/<int:round_id>/plan/accept/<str:statement_id>",
        views.accept_action,
        name="accept_action",
    ),
    path("rounds/<int:round_id>/plan/add", views.add_action, name="add_action"),
    path("rounds/<int:round_id>/plan/<int:action_id>", views.edit_action, name="edit_action"),
    path("rounds/<int:round_id>/roadmap", views.roadmap, name="roadmap"),
    path("roadmaps", views.roadmaps, name="roadmaps"),
    path("rounds/<int:round_id>/plan.csv", views.plan_csv, name="plan_csv"),
]
