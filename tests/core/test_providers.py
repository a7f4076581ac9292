"""Provider plumbing: a setting names the implementation, and a changed setting takes effect."""

from django.conf import settings
from django.test import override_settings

from core.providers import provider_backend


class FirstBackend:
    def __init__(self) -> None:
        # Read when made, as real backends read their keys and endpoints.
        self.endpoint = settings.EXAMPLE_ENDPOINT


class SecondBackend(FirstBackend):
    pass


@override_settings(EXAMPLE_BACKEND="tests.core.test_providers.FirstBackend", EXAMPLE_ENDPOINT="https://one.test")
def test_the_setting_names_the_implementation():
    backend = provider_backend("EXAMPLE_BACKEND")

    assert (type(backend), backend.endpoint) == (FirstBackend, "https://one.test")


@override_settings(EXAMPLE_BACKEND="tests.core.test_providers.FirstBackend", EXAMPLE_ENDPOINT="https://one.test")
def test_a_changed_setting_takes_effect_on_the_next_call():
    provider_backend("EXAMPLE_BACKEND")

    with override_settings(EXAMPLE_ENDPOINT="https://two.test"):
        moved = provider_backend("EXAMPLE_BACKEND")
    with override_settings(EXAMPLE_BACKEND="tests.core.test_providers.SecondBackend"):
        swapped = provider_backend("EXAMPLE_BACKEND")

    assert moved.endpoint == "https://two.test"
    assert type(swapped) is SecondBackend
