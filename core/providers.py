"""Outside providers: SMS senders today, chat models, embedders and payments next. Each sits behind a
small interface, a setting names its implementation by dotted path, and a failure to reach it is
`ProviderUnavailable` (503), whichever provider it was."""

from functools import cache
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from core.exceptions import BastionError


class ProviderUnavailable(BastionError):
    status_code = 503
    error_code = "PROVIDER_UNAVAILABLE"
    default_detail = "An outside provider is unavailable."


@cache
def _backend_class(path: str) -> type:
    return import_string(path)


def provider_backend(setting: str) -> Any:
    """The implementation the setting `setting` names, made for this call; its class is imported once.

    Made per call because backends read their own settings (keys, endpoints) when made: a cached
    instance would keep the first ones it saw.
    """
    return _backend_class(getattr(settings, setting))()
