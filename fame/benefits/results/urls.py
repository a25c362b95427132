from django.urls import path

from . import figures_views, views

urlpatterns = [
    path("benefits/<int:model_id>/results", views.results, name="results"),
    path("benefits/<int:model_id>/results.csv", views.results_csv, name="results_csv"),
    path("benefits/<int:model_id>/charts/<slug:name>.svg", views.chart, name="chart"),
    path("benefits/<int:model_id>/sensitivity", views.sensitivity, name="sensitivity"),
    path("benefits/<int:model_id>/comparison", figures_views.comparison, name="comparison"),
    path(
        "benefits/<int:model_id>/realisation",
        figures_views.realisation_page,
        name="realisation",
    ),
]
