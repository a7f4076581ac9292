"""The embedded default: `make run` on a fresh machine, nothing configured."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
# Static files come from the finders while developing, so no collectstatic step is needed.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Files come from the finders here; only production collects them into STATIC_ROOT.
STATIC_ROOT = None

# `manage.py demo` creates an account with a published password: development and tests only.
DEMO_DATA_ALLOWED = True
