from django.urls import include, path

app_name = "benefits"
urlpatterns = [
    path("", include("fame.benefits.results.urls")),
]
