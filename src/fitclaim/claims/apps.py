from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "fitclaim.claims"
    label = "claims"
