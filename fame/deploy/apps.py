from django.apps import AppConfig


class DeployConfig(AppConfig):
    name = "fame.deploy"
    label = "deploy"
    verbose_name = "Deployment files, backups and restores"
