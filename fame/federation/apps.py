from django.apps import AppConfig


class FederationConfig(AppConfig):
    name = "fame.federation"
    label = "federation"
    verbose_name = "Federation"
