from django.apps import AppConfig


class PreauthsConfig(AppConfig):
    name = "fitclaim.preauths"
    label = "preauths"
