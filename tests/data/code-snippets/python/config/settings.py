"""A settings module: debug left on, secrets from the environment."""

import os

SECRET_KEY = os.environ["SECRET_KEY"]
DEBUG = True  # expect: python.django-debug
TEMPLATE_DEBUG = DEBUG  # expect: negative
ALLOWED_HOSTS = ["*"]
