"""`python manage.py demo`: each app that has demo data seeds it, and the command prints what they made."""

from collections.abc import Callable
from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.module_loading import module_has_submodule

DemoSeed = Callable[..., list[str]]


def demo_seeders() -> list[DemoSeed]:
    """Every installed app's `demo.demo_seed(*, seeded)`, in INSTALLED_APPS order, so that an app seeds
    after the apps it builds on. Each reads what earlier ones put in `seeded`, adds its own, and returns
    the lines to print."""
    return [
        import_module(f"{config.name}.demo").demo_seed
        for config in apps.get_app_configs()
        if module_has_submodule(config.module, "demo")
    ]


def server_url(host: str, port: int) -> str:
    """Where the server the demo is printed for answers (`make run` passes its HOST and PORT)."""
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class Command(BaseCommand):
    help = "Create the demo account and every app's demo data (idempotent); print how to sign in."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="The host the server listens on, for the URLs.")
        parser.add_argument("--port", type=int, default=8000, help="The port the server listens on, for the URLs.")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_DATA_ALLOWED:
            # Its password and authenticator key are public: such an account must never reach production.
            raise CommandError("The demo account is for development only (set DEMO_DATA_ALLOWED=true to force it).")
        # Seeders print their links under this address.
        seeded: dict[str, Any] = {"server_url": server_url(options["host"], options["port"])}
        lines = [""]
        for demo_seed in demo_seeders():
            lines += demo_seed(seeded=seeded)
        lines += [f"  API docs: {seeded['server_url']}/docs", ""]
        self.stdout.write("\n".join(lines))
