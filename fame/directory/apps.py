from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "fame.directory"
    label = "directory"
    verbose_name = "Service directory"
