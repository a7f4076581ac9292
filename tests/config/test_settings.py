"""Settings come from the environment, and production refuses to start unsafely."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.prod",
    "SECRET_KEY": "k" * 30 + "-Zq81!pL0xVb7nR2sT9wYc4" + "m" * 10,
    "ALLOWED_HOSTS": "bastion.example.com",
    "FIELD_ENCRYPTION_KEY": "Nwl75QauRIjHpkTtNgVgMiegeX4G2rP8soV583jniKg=",
    "DATABASE_URL": "",
    "REDIS_URL": "",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args], env=full_env, capture_output=True, text=True, timeout=120, check=False
    )


def test_argon2_is_the_first_password_hasher_outside_tests():
    from config.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_production_settings_pass_the_deploy_check():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PROD_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("secret", ["", "bastion-dev-only-secret-key-do-not-use-in-production", "short"])
def test_production_refuses_a_missing_default_or_short_secret_key(secret):
    result = _manage("check", env={**PROD_ENV, "SECRET_KEY": secret})

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_a_field_encryption_key():
    result = _manage("check", env={**PROD_ENV, "FIELD_ENCRYPTION_KEY": ""})

    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEY" in result.stderr


def test_production_sends_hsts_and_secure_cookies():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.DEBUG)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env={**os.environ, **PROD_ENV}, capture_output=True, text=True, check=False
    )

    assert result.stdout.split() == ["31536000", "True", "True", "False"]


def test_jwt_settings_are_read_from_the_environment():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SIMPLE_JWT['ALGORITHM'], int(s.SIMPLE_JWT['ACCESS_TOKEN_LIFETIME'].total_seconds()), "
        "s.SIMPLE_JWT['SIGNING_KEY'])"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "JWT_ALGORITHM": "HS512",
        "JWT_EXPIRATION": "5",
        "JWT_SECRET_KEY": "jwt-only-secret",
    }
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)

    assert result.stdout.split() == ["HS512", "300", "jwt-only-secret"]


def test_embedded_default_needs_no_services():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'], "
        "s.CHANNEL_LAYERS['default']['BACKEND'], s.CELERY_TASK_ALWAYS_EAGER)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev", "DATABASE_URL": "", "REDIS_URL": ""}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)

    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "django.core.cache.backends.locmem.LocMemCache",
        "channels.layers.InMemoryChannelLayer",
        "True",
    ]


def test_services_are_used_when_configured():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'], "
        "s.CHANNEL_LAYERS['default']['BACKEND'], s.CELERY_BROKER_URL, s.CELERY_TASK_ALWAYS_EAGER)"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/bastion",
        "REDIS_URL": "redis://127.0.0.1:6379/3",
    }
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)

    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "django.core.cache.backends.redis.RedisCache",
        "channels_redis.core.RedisChannelLayer",
        "redis://127.0.0.1:6379/3",
        "False",
    ]


def test_the_test_run_uses_the_configured_database():
    expected = "postgresql" if os.environ.get("DATABASE_URL") else "sqlite3"

    assert settings.DATABASES["default"]["ENGINE"].endswith(expected)


def test_production_refuses_to_create_the_demo_account():
    result = _manage("demo", env=PROD_ENV)

    assert result.returncode != 0
    assert "development only" in result.stderr
