"""Settings shared by every environment, assembled from one module per concern; each environment
variable is read once, in the module of its concern."""

import os

from .accounts import *  # noqa: F403
from .accounts import JWT_SECRET_KEY  # noqa: F401 (prod.py checks it)
from .api import *  # noqa: F403
from .apps import *  # noqa: F403
from .chats import *  # noqa: F403
from .env import BASE_DIR, DEV_SECRET_KEY, env_bool, env_list  # noqa: F401 (the environments import them from here)
from .knowledge import *  # noqa: F403
from .scans import *  # noqa: F403
from .security import *  # noqa: F403
from .security import SECRET_KEY  # noqa: F401 (prod.py checks it)
from .sso import *  # noqa: F403
from .sso import sso_authorization_origins, sso_providers  # noqa: F401 (tests build providers with them)
from .stores import *  # noqa: F403
from .stores import DATABASES  # noqa: F401 (test.py adjusts it)

DEBUG = env_bool("DEBUG", False)

# Projects: repository URLs on private or loopback addresses only when an operator allows them.
ALLOW_PRIVATE_REPO_URLS = env_bool("ALLOW_PRIVATE_REPO_URLS", False)

# Alerts: webhook URLs on private or loopback addresses (and plain http) only when an operator allows
# them; links in notifications point at PUBLIC_BASE_URL; failed deliveries retry after 30 s, 60 s, ...
ALLOW_PRIVATE_WEBHOOK_URLS = env_bool("ALLOW_PRIVATE_WEBHOOK_URLS", False)
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://localhost:8000").rstrip("/")
ALERT_DELIVERY_BACKOFF_SECONDS = int(os.environ.get("ALERT_DELIVERY_BACKOFF_SECONDS", "30"))
ALERT_DELIVERY_MAX_RETRIES = int(os.environ.get("ALERT_DELIVERY_MAX_RETRIES", "5"))

# `manage.py demo` (an account with a published password) is refused unless a settings module allows it.
DEMO_DATA_ALLOWED = env_bool("DEMO_DATA_ALLOWED", False)

# --- Static files: ServeStatic answers them in front of Django (config/static.py) -----------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "servestatic.storage.CompressedManifestStaticFilesStorage"},
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Bastion <no-reply@bastion.local>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.api.middleware.RequestIdLogFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # The API handler logs unexpected errors itself, with the request id.
        "django.request": {"level": "ERROR", "handlers": ["console"], "propagate": False},
        # The model clients' HTTP libraries log every call at INFO: a line per completion, and the
        # gateway logs the failures itself.
        "httpx": {"level": "WARNING"},
        "httpx2": {"level": "WARNING"},
    },
}
