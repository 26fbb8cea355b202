from django.apps import AppConfig


class CoverageConfig(AppConfig):
    name = "fitclaim.coverage"
    label = "coverage"
    verbose_name = "Coverage"

    def ready(self) -> None:
        from fitclaim.coverage import signals

        signals.connect()
