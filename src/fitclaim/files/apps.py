from django.apps import AppConfig


class FilesConfig(AppConfig):
    name = "fitclaim.files"
    label = "files"
