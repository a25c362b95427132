from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "fame.benefits"
    label = "benefits"
    verbose_name = "Benefits Calculator"
