from django.urls import path

from . import views

app_name = "sharing"
urlpatterns = [
    path("sharing/protocols", views.protocols, name="protocols"),
    path("sharing/protocols/new", views.protocol_edit, name="protocol_new"),
    path("sharing/protocols/<slug:reference>", views.protocol, name="protocol"),
    path(
        "sharing/protocols/<slug:reference>/new-version",
        views.protocol_edit,
        name="protocol_new_version",
    ),
    path("children/record/<str:handle>/consents/new", views.consent_new, name="consent_new"),
    path(
        "children/record/<str:handle>/consents/<int:consent_id>/withdraw",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
]
