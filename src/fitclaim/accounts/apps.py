from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "fitclaim.accounts"
    label = "accounts"
