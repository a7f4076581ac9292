import pytest

PATHS = ["/health", "/api/v1/auth/me", "/login/", "/docs", "/api/v1/nope"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PATHS)
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)

    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.django_db
def test_development_settings_do_not_send_hsts(client):
    assert "Strict-Transport-Security" not in client.get("/health")
