from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "fitclaim.funding"
    label = "funding"
