from django.urls import path

from . import feed, views
from .guided import views as guided

app_name = "demonstrator"
urlpatterns = [
    path("demonstrator/", views.home, name="home"),
    path("demonstrator/run.json", views.run_events, name="run_events"),
    path("demonstrator/feed", feed.feed, name="feed"),
    path("demonstrator/guided", guided.guided, name="guided"),
    path("demonstrator/<slug:perspective>", views.watch, name="watch"),
]
