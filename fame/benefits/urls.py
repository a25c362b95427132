from django.urls import include, path

app_name = "benefits"
urlpatterns = [
    path("benefits/", include("fame.benefits.case.urls")),
]
