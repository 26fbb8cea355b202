from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "fitclaim.training"
    label = "training"
