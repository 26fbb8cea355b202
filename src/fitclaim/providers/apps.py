from django.apps import AppConfig


class ProvidersConfig(AppConfig):
    name = "fitclaim.providers"
    label = "providers"
