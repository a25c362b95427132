from django.apps import AppConfig


class DemonstratorConfig(AppConfig):
    name = "fame.demonstrator"
    label = "demonstrator"
    verbose_name = "Regional Demonstrator"
