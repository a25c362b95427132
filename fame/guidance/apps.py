from django.apps import AppConfig


class GuidanceConfig(AppConfig):
    name = "fame.guidance"
    label = "guidance"
    verbose_name = "Framework guidance and case studies"
