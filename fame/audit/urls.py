"""The auditors' pages."""

from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("audit", views.log, name="log"),
    path("audit/children/<str:reference>", views.child, name="child"),
    path("audit/find-a-child", views.find_child, name="find_child"),
    path("audit/people", views.person, name="person"),
    path("audit/overrides-and-refusals", views.exceptions, name="exceptions"),
    path("audit/check", views.check, name="check"),
]
