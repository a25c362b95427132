"""The service directory's pages and its Open Referral UK read API."""

from django.urls import URLPattern, URLResolver

app_name = "directory"
urlpatterns: list[URLPattern | URLResolver] = []
