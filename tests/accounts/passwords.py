"""Test helper for password resets: ask for one as a client would and read the token from the email."""

import re
from collections.abc import Callable

from django.core import mail
from django.urls import reverse
from rest_framework.test import APIClient

TOKEN_IN_EMAIL = re.compile(r"^([0-9a-f-]{36}\.[A-Za-z0-9_-]{43})$", re.MULTILINE)


def emailed_reset_token(client: APIClient, capture: Callable, email: str, *, url: str | None = None) -> str:
    """Ask for a reset (at `url`, the canonical path by default), run the email task, and read the token."""
    with capture(execute=True):
        response = client.post(url or reverse("auth-password-reset"), {"email": email}, format="json")
    assert response.status_code == 202
    return TOKEN_IN_EMAIL.search(mail.outbox[-1].body)[1]
