from django.urls import include, path

app_name = "benefits"
urlpatterns = [
    path("benefits/", include("fame.benefits.case.urls")),
    path("", include("fame.benefits.results.urls")),
]
