"""Outside DEBUG, errors are plain dashboard pages, never Django's debug pages."""

import pytest
from django.test import override_settings


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_an_unknown_host_gets_the_dashboard_400_page(client):
    response = client.get("/", HTTP_HOST="attacker.example")

    assert response.status_code == 400
    body = response.content.decode()
    assert "Bad request" in body
    assert "Back to the dashboard" in body
    assert "DisallowedHost" not in body
    assert "ALLOWED_HOSTS" not in body


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_an_unknown_page_gets_the_plain_404_page(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body
    assert "URLconf" not in body
