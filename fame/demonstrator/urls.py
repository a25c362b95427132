from django.urls import path

from . import feed

app_name = "demonstrator"
urlpatterns = [
    path("demonstrator/feed", feed.feed, name="feed"),
]
