from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    name = "fitclaim.facilities"
    label = "facilities"
