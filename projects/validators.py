"""Repository URLs: only remote https/ssh repositories, never local files or internal addresses.

Checked when a project is saved; the fetcher checks again when it connects (core.network.host_resolve),
since DNS can change after this check.
"""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

from core.network import UnsafeURL, host_check, text_check, url_check

_SCP_LIKE = re.compile(r"^(?P<user>[A-Za-z0-9._-]+)@(?P<host>[^:/@]+):(?P<path>.+)$")


def repo_url_validate(url: str) -> None:
    if not url:
        return
    allow_private = settings.ALLOW_PRIVATE_REPO_URLS
    try:
        if (match := _SCP_LIKE.match(url)) and "://" not in url:
            text_check(url)
            if match["path"].startswith("-"):
                raise UnsafeURL("A repository path may not begin with '-'.")
            host_check(match["host"], allow_private=allow_private)
        else:
            # Plain http only for an internal server an operator has allowed (scans clone over it too).
            schemes = ("https", "ssh", "http") if allow_private else ("https", "ssh")
            url_check(url, schemes=schemes, allow_private=allow_private)
            if urlsplit(url).password:
                raise UnsafeURL("Put credentials in github_token, not in the URL.")
    except UnsafeURL as error:
        raise ValidationError(str(error)) from None
