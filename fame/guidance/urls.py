from django.urls import path

from . import views

app_name = "guidance"
urlpatterns = [
    path("framework/", views.framework, name="framework"),
    path("framework/case-studies", views.case_studies, name="case_studies"),
    path("framework/case-studies/<int:case_id>", views.case_study, name="case_study"),
    path("framework/dimensions/<str:dimension>", views.dimension, name="dimension"),
    path("framework/<str:block>", views.block, name="block"),
    path("readiness/case-studies/new", views.contribute, name="contribute"),
    path("readiness/case-studies/moderate", views.moderate, name="moderate"),
    path("readiness/case-studies/moderate/<int:case_id>", views.moderate_one, name="moderate_one"),
]
