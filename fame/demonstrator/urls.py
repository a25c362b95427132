from django.urls import path

from . import feed, views

app_name = "demonstrator"
urlpatterns = [
    path("demonstrator/", views.home, name="home"),
    path("demonstrator/run.json", views.run_events, name="run_events"),
    path("demonstrator/feed", feed.feed, name="feed"),
    path("demonstrator/bonnet.json", views.bonnet, name="bonnet"),
    path("demonstrator/nodes.json", views.nodes, name="nodes"),
    path("demonstrator/<slug:perspective>", views.watch, name="watch"),
]
