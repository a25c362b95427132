"""The service directory's pages and its Open Referral UK read API."""

from django.urls import URLPattern, URLResolver

# The read API is mounted at /directory/api/ by fame.urls (django-ninja reverses its own
# namespace, which must not sit inside this one).
app_name = "directory"
urlpatterns: list[URLPattern | URLResolver] = []
