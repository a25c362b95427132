from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("sign-in", views.sign_in, name="sign_in"),
    path("sign-in/security-code", views.second_factor, name="second_factor"),
    path("sign-in/set-up-authenticator", views.enrol, name="enrol"),
    path("sign-out", views.sign_out, name="sign_out"),
    path("account/password", views.change_password, name="change_password"),
    path("manage/organisations", views.organisations, name="organisations"),
    path("manage/organisations/new", views.organisation_edit, name="organisation_new"),
    path(
        "manage/organisations/<slug:agency_id>", views.organisation_edit, name="organisation_edit"
    ),
    path("manage/users", views.users, name="users"),
    path("manage/users/new", views.user_edit, name="user_new"),
    path("manage/users/<int:user_id>", views.user_detail, name="user"),
    path("manage/users/<int:user_id>/change", views.user_edit, name="user_edit"),
    path("manage/users/<int:user_id>/<slug:action>", views.user_action, name="user_action"),
    path("acting-for", views.facilitated_start, name="facilitated_start"),
    path("acting-for/end", views.facilitated_end, name="facilitated_end"),
]
