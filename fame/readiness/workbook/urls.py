"""Workbooks: a round's to fill in offline, importing one, and a round's results as XLSX."""

from django.urls import path

from . import views

urlpatterns = [
    path("rounds/<int:round_id>/workbook.xlsx", views.workbook_template, name="workbook_template"),
    path("rounds/<int:round_id>/workbook/import", views.workbook_import, name="workbook_import"),
    path("rounds/<int:round_id>/results.xlsx", views.results_xlsx, name="results_xlsx"),
]
