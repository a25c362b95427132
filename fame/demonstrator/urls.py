from django.urls import path

from . import feed, rooms, views
from .guided import views as guided

app_name = "demonstrator"
urlpatterns = [
    path("demonstrator/", views.home, name="home"),
    path("demonstrator/run.json", views.run_events, name="run_events"),
    path("demonstrator/feed", feed.feed, name="feed"),
    path("demonstrator/guided", guided.guided, name="guided"),
    path("demonstrator/share", rooms.share, name="share"),
    path("demonstrator/join", rooms.join, name="join"),
    path("demonstrator/rooms/<str:code>", rooms.room, name="room"),
    path("demonstrator/rooms/<str:code>/state", rooms.state, name="room_state"),
    path("demonstrator/<slug:perspective>", views.watch, name="watch"),
]
