from django.apps import AppConfig


class LmnsConfig(AppConfig):
    name = "fitclaim.lmns"
    label = "lmns"
