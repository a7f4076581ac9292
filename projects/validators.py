"""Repository URLs: only remote https/ssh repositories, never local files or internal addresses.

Checked when a project is saved; whatever fetches a repository resolves the host again, since DNS
can change after this check.
"""

import ipaddress
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

_SCP_LIKE = re.compile(r"^[A-Za-z0-9._-]+@(?P<host>[A-Za-z0-9.-]+):(?P<path>[^\s]+)$")
_LOCAL_NAMES = ("localhost", ".localhost", ".local", ".internal", ".lan", ".home.arpa")


def _host_is_private(host: str) -> bool:
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(_LOCAL_NAMES) or "." not in host and ":" not in host:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return not address.is_global


def repo_url_validate(url: str) -> None:
    if not url:
        return
    if match := _SCP_LIKE.match(url):
        host = match["host"]
    else:
        parts = urlsplit(url)
        if parts.scheme not in ("https", "ssh") or not parts.hostname:
            raise ValidationError("Use an https:// or ssh:// repository URL (or git@host:path).")
        if parts.username and parts.password:
            raise ValidationError("Put credentials in github_token, not in the URL.")
        host = parts.hostname
    if _host_is_private(host) and not settings.ALLOW_PRIVATE_REPO_URLS:
        raise ValidationError("This address is local or private; an operator can allow such URLs.")
