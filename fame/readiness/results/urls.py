from django.urls import path

from . import views

urlpatterns = [
    path("rounds/<int:round_id>/results", views.results, name="results"),
    path("rounds/<int:round_id>/results.csv", views.results_csv, name="results_csv"),
    path("rounds/<int:round_id>/charts/<slug:name>.svg", views.chart, name="chart"),
    path("rounds/<int:round_id>/workshop", views.workshop, name="workshop"),
    path("rounds/<int:round_id>/workshop/<str:statement_id>", views.agree, name="agree"),
    path("rounds/<int:round_id>/comparison", views.compare, name="compare"),
    path("rounds/<int:round_id>/report.pdf", views.report_pdf, name="report_pdf"),
]
