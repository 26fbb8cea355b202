from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "fitclaim.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from fitclaim.accounts import signals  # noqa: F401  (connects the audit receivers)
