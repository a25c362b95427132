from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "fame.web"
    label = "web"
