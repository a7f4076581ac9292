import pytest
from django.db import connection
from django.test import override_settings

HEALTH_PATHS = ["/health", "/api/health", "/api/v1/health"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", HEALTH_PATHS)
def test_health_reports_each_dependency(client, path, settings):
    response = client.get(path)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"status", "database_connection", "redis_connection", "timestamp"}
    assert body["status"] == "healthy"
    assert body["database_connection"] == "connected"
    assert body["redis_connection"] == ("connected" if settings.REDIS_URL else "not_configured")


@pytest.mark.django_db
@override_settings(REDIS_URL="")
def test_health_without_redis_configured_says_not_configured(client):
    assert client.get("/health").json()["redis_connection"] == "not_configured"


@pytest.mark.django_db
@override_settings(REDIS_URL="redis://127.0.0.1:1/0")
def test_health_with_redis_unreachable_is_503(client):
    response = client.get("/api/v1/health")

    assert response.status_code == 503
    assert response.json()["redis_connection"] == "disconnected"
    assert response.json()["status"] == "unhealthy"


def _disconnect() -> None:
    """Close the connection and, on PostgreSQL, the pool it came from: the next query connects anew."""
    connection.close()
    if getattr(connection, "pool", None) is not None:
        connection.close_pool()


@pytest.mark.django_db(transaction=True)
def test_health_with_the_database_down_is_503(client):
    original = dict(connection.settings_dict)
    _disconnect()
    # Point the live connection at nothing: a real connection failure, not a mock.
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent-dir/bastion.sqlite3"
    else:
        connection.settings_dict["PORT"] = "1"
    try:
        response = client.get("/health")
    finally:
        _disconnect()
        connection.settings_dict.clear()
        connection.settings_dict.update(original)

    assert response.status_code == 503
    assert response.json()["database_connection"] == "disconnected"
    assert response.json()["status"] == "unhealthy"
