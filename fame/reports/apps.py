from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "fame.reports"
    label = "reports"
    verbose_name = "Management information"
