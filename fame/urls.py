from django.urls import include, path

urlpatterns = [
    path("", include("fame.web.urls")),
    path("", include("fame.accounts.urls")),
    path("", include("fame.index.urls")),
]

handler404 = "fame.web.views.not_found"
handler500 = "fame.web.views.server_error"
