from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        # Connects the receiver for allauth's social-account signal (SSO linking is audited).
        from accounts import sso  # noqa: F401
