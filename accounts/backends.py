from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest


class EmailOrUsernameBackend(ModelBackend):
    """Sign in with either the email address or the username, compared by `identifier_canonical`."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        identifier = username or kwargs.get("email")
        if not identifier or password is None:
            return None
        user_model = get_user_model()
        user = user_model.objects.by_identifier(identifier)
        if user is None:
            # Hash anyway so an unknown identifier costs as much time as a wrong password.
            user_model().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
