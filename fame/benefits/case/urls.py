from django.urls import path

from . import views

urlpatterns = [
    path("<int:model_id>/case", views.case, name="case"),
    path("<int:model_id>/case/document", views.case_document, name="case_document"),
    path("<int:model_id>/case.pdf", views.case_pdf, name="case_pdf"),
    path("<int:model_id>/case/<slug:section>", views.case_section, name="case_section"),
]
