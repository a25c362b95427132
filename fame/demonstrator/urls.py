from django.urls import path

from . import exports, feed, rooms, views
from .guided import views as guided

app_name = "demonstrator"
urlpatterns = [
    path("demonstrator/", views.home, name="home"),
    path("demonstrator/run.json", views.run_events, name="run_events"),
    path("demonstrator/comparison.json", exports.comparison_json, name="comparison_json"),
    path("demonstrator/comparison.pdf", exports.comparison_pdf, name="comparison_pdf"),
    path("demonstrator/measures.csv", exports.measures_csv, name="measures_csv"),
    path("demonstrator/feed", feed.feed, name="feed"),
    path("demonstrator/guided", guided.guided, name="guided"),
    # Before the other perspectives: its page may show images from blob: (PNG export).
    path("demonstrator/management", exports.watch_management, name="watch_management"),
    path("demonstrator/bonnet.json", views.bonnet, name="bonnet"),
    path("demonstrator/nodes.json", views.nodes, name="nodes"),
    path("demonstrator/share", rooms.share, name="share"),
    path("demonstrator/join", rooms.join, name="join"),
    path("demonstrator/rooms/<str:code>", rooms.room, name="room"),
    path("demonstrator/rooms/<str:code>/state", rooms.state, name="room_state"),
    path("demonstrator/<slug:perspective>", views.watch, name="watch"),
]
