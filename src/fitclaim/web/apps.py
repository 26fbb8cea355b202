from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "fitclaim.web"
    label = "web"
