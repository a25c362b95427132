from django.apps import AppConfig


class CafConfig(AppConfig):
    name = "fame.caf"
    label = "caf"
    verbose_name = "Common Assessment Framework"
