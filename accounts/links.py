"""Links that account emails carry, built from the address the client reached this server at."""

from django.http import HttpRequest
from django.urls import reverse


def reset_link_base(request: HttpRequest) -> str:
    """The reset page's absolute URL; the emailed link appends the token to it."""
    return request.build_absolute_uri(reverse("password-reset"))
