from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "fame.audit"
    label = "audit"
    verbose_name = "Audit log"
