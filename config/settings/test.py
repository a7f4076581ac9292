"""Test settings: real PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set, SQLite otherwise."""

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES, REST_FRAMEWORK

DEBUG = False
# Argon2 is the production hasher (tested separately); a fast one keeps the suite quick.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run in-process in unit tests; tests/integration starts a real worker and turns this off.
CELERY_TASK_ALWAYS_EAGER = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not memory, so a real Celery worker or ASGI server in another process shares it.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}
# Files come from the finders here; only production collects them into STATIC_ROOT.
STATIC_ROOT = None

# The API speaks JSON; tests post JSON unless they say otherwise.
REST_FRAMEWORK = {**REST_FRAMEWORK, "TEST_REQUEST_DEFAULT_FORMAT": "json"}

# `manage.py demo` creates an account with a published password: development and tests only.
DEMO_DATA_ALLOWED = True
