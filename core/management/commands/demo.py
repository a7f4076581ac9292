"""`python manage.py demo`: each app that has demo data seeds it, and the command prints what they made."""

from collections.abc import Callable
from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
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


class Command(BaseCommand):
    help = "Create the demo account and every app's demo data (idempotent); print how to sign in."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_DATA_ALLOWED:
            # Its password and authenticator key are public: such an account must never reach production.
            raise CommandError("The demo account is for development only (set DEMO_DATA_ALLOWED=true to force it).")
        seeded: dict[str, Any] = {}
        lines = [""]
        for demo_seed in demo_seeders():
            lines += demo_seed(seeded=seeded)
        lines += ["  API docs: http://127.0.0.1:8000/docs", ""]
        self.stdout.write("\n".join(lines))
