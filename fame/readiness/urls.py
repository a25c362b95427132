from django.urls import include, path

app_name = "readiness"
urlpatterns = [
    path("readiness/", include("fame.readiness.rounds.urls")),
    path("readiness/", include("fame.readiness.results.urls")),
    path("readiness/", include("fame.readiness.plan.urls")),
    path("readiness/", include("fame.readiness.workbook.urls")),
]
