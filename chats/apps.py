from django.apps import AppConfig


class ChatsConfig(AppConfig):
    name = "chats"

    def ready(self) -> None:
        # The cached registry and policies are dropped by signal receivers: connected in every process
        # (web, worker, shell), whatever it imported first.
        from chats import registry  # noqa: F401
        from chats.services import policies  # noqa: F401
