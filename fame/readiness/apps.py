from django.apps import AppConfig


class ReadinessConfig(AppConfig):
    name = "fame.readiness"
    label = "readiness"
    verbose_name = "Readiness Assessment Tool"
