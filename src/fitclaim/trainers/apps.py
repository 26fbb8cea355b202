from django.apps import AppConfig


class TrainersConfig(AppConfig):
    name = "fitclaim.trainers"
    label = "trainers"
