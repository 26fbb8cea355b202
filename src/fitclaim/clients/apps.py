from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "fitclaim.clients"
    label = "clients"
