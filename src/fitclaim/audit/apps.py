from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "fitclaim.audit"
    label = "audit"
