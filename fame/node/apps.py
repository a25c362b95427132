from django.apps import AppConfig


class NodeConfig(AppConfig):
    name = "fame.node"
    label = "node"
    verbose_name = "Agency node"
