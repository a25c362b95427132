from django.apps import AppConfig


class IndexConfig(AppConfig):
    name = "fame.index"
    label = "index"
    verbose_name = "Child Index"
