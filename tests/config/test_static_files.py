"""Static files are answered by the ASGI application in front of Django, with Django's security headers."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.asgi import get_asgi_application
from django.core.management import call_command
from django.test import override_settings

from config.static import StaticFilesASGI
from tests.asgi import asgi_get

pytestmark = pytest.mark.django_db

STYLESHEET = Path(settings.BASE_DIR) / "static" / "css" / "bastion.css"


def _application() -> StaticFilesASGI:
    # Built inside each test, so the settings a test overrides are the ones Django's chain reads.
    return StaticFilesASGI(get_asgi_application())


def test_a_vendored_asset_is_served_with_the_security_headers():
    response = asgi_get(_application(), "/static/vendor/htmx/htmx.min.js")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.body == (Path(settings.BASE_DIR) / "static" / "vendor" / "htmx" / "htmx.min.js").read_bytes()
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert response.headers["cross-origin-opener-policy"] == "same-origin"
    assert "strict-transport-security" not in response.headers  # plain HTTP: HSTS means nothing there


def test_an_app_asset_is_found_as_the_staticfiles_finders_find_it():
    response = asgi_get(_application(), "/static/admin/css/base.css")

    assert (response.status_code, response.headers["content-type"]) == (200, 'text/css; charset="utf-8"')


def test_a_missing_static_file_is_djangos_404_page():
    response = asgi_get(_application(), "/static/css/nope.css")

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert b"<html" in response.body.lower()


@override_settings(SECURE_HSTS_SECONDS=3600)
def test_a_static_file_over_https_carries_hsts():
    response = asgi_get(_application(), "/static/css/bastion.css", scheme="https")

    assert (response.status_code, response.body) == (200, STYLESHEET.read_bytes())
    assert response.headers["strict-transport-security"] == "max-age=3600"


@override_settings(SECURE_SSL_REDIRECT=True)
def test_a_static_file_asked_for_over_plain_http_is_redirected_to_https():
    response = asgi_get(_application(), "/static/css/bastion.css")

    assert response.status_code == 301
    assert response.headers["location"] == "https://testserver/static/css/bastion.css"
    assert response.body == b""


def test_collected_files_are_served_by_their_hashed_names_compressed_and_cached_for_good(tmp_path, settings):
    # What production serves: `collectstatic` into STATIC_ROOT with the manifest storage.
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "servestatic.storage.CompressedManifestStaticFilesStorage"}
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    hashed = staticfiles_storage.stored_name("css/bastion.css")

    response = asgi_get(_application(), f"/static/{hashed}")

    assert hashed != "css/bastion.css"
    assert (response.status_code, response.body) == (200, STYLESHEET.read_bytes())
    assert response.headers["cache-control"] == "max-age=315360000, public, immutable"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_every_static_file_response_carries_its_own_request_id():
    first = asgi_get(_application(), "/static/css/bastion.css")
    second = asgi_get(_application(), "/static/css/bastion.css")

    assert (first.status_code, second.status_code) == (200, 200)
    assert re.fullmatch(r"[0-9a-f]{32}", first.headers["x-request-id"])
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


@pytest.mark.parametrize(
    ("given", "kept"), [("client-trace-0001", True), ("no spaces or slashes/", False), ("short", False)]
)
def test_a_static_file_keeps_a_sane_request_id_from_the_client_as_django_does(given, kept):
    served = asgi_get(_application(), "/static/css/bastion.css", headers={"X-Request-ID": given})
    missing = asgi_get(_application(), "/static/css/nope.css", headers={"X-Request-ID": given})

    for response in (served, missing):
        assert (response.headers["x-request-id"] == given) is kept
        assert response.header_names.count("x-request-id") == 1
