"""Production: secrets from the environment only, HTTPS everywhere."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DEV_SECRET_KEY, JWT_SECRET_KEY, SECRET_KEY, env_bool

# A guessable key must stop the process, not warn.
if os.environ.get("SECRET_KEY", "") in ("", DEV_SECRET_KEY) or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("Set SECRET_KEY to a private value of 50+ characters before running in production.")
if JWT_SECRET_KEY == DEV_SECRET_KEY:
    raise ImproperlyConfigured("Set JWT_SECRET_KEY (or SECRET_KEY) to a private value.")

if not os.environ.get("FIELD_ENCRYPTION_KEY"):
    raise ImproperlyConfigured("Set FIELD_ENCRYPTION_KEY (a Fernet key; comma-separate several to rotate).")

DEBUG = False
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
