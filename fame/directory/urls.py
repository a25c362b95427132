"""The service directory's pages (public: search and a service; editors: the rest)."""

from django.urls import URLPattern, URLResolver, path

from . import views

# The read API is mounted at /directory/api/ by fame.urls (django-ninja reverses its own
# namespace, which must not sit inside this one).
app_name = "directory"
urlpatterns: list[URLPattern | URLResolver] = [
    path("directory/", views.search, name="search"),
    path("directory/services/<str:service_id>", views.service, name="service"),
    path("directory/edit/new", views.edit, name="add"),
    path("directory/edit/<str:service_id>", views.edit, name="edit"),
    path("directory/edit/<str:service_id>/checked", views.checked, name="checked"),
    path("directory/review/", views.review, name="review"),
]
