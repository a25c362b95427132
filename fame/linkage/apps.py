from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "fame.linkage"
    label = "linkage"
    verbose_name = "Identity matching"
