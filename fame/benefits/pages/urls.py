from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("new", views.new, name="new"),
    path("import", views.import_model, name="import_model"),
    path("<int:model_id>/", views.model_page, name="model"),
    path("<int:model_id>/edit/<str:section>", views.section, name="section"),
    path("<int:model_id>/edit/<str:section>/<str:index>", views.item, name="item"),
    path("<int:model_id>/edit/<str:section>/<str:index>/remove", views.remove, name="remove"),
    path("<int:model_id>/check", views.check, name="check"),
    path("<int:model_id>/versions", views.versions, name="versions"),
    path("<int:model_id>/versions/<int:number>.json", views.version_json, name="version_json"),
    path("<int:model_id>/versions/<int:number>.xlsx", views.version_xlsx, name="version_xlsx"),
]
