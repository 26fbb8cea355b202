from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "fitclaim.payments"
    label = "payments"
