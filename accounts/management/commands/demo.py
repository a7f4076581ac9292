from typing import Any

from django.core.management.base import BaseCommand

from accounts.models import User
from accounts.services.users import user_register

DEMO_EMAIL = "demo@bastion.local"
DEMO_USERNAME = "demo"
# A local-only demo account: its password is printed on every start by design.
DEMO_PASSWORD = "Bastion-Demo-2026!"  # noqa: S105


class Command(BaseCommand):
    help = "Create the demo account (idempotent) and print how to sign in with it."

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email=DEMO_EMAIL).first()
        if user is None:
            user = user_register(
                email=DEMO_EMAIL, username=DEMO_USERNAME, full_name="Demo User", password=DEMO_PASSWORD
            )
        else:
            # Keep the printed credentials true even if someone changed the password.
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        lines = [
            "",
            "  Bastion demo account",
            f"    email:    {user.email}",
            f"    username: {user.username}",
            f"    password: {DEMO_PASSWORD}",
            "  Dashboard: http://127.0.0.1:8000/login/   API docs: http://127.0.0.1:8000/docs",
            "",
        ]
        self.stdout.write("\n".join(lines))
