from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "fame.sharing"
    label = "sharing"
    verbose_name = "Information sharing: protocols, consents and the policy decision point"
