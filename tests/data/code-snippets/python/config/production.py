"""Production settings: debug only from the environment."""

import os

DEBUG = os.environ.get("DEBUG", "") == "1"  # expect: negative
DEBUG_TOOLBAR = False  # expect: negative


def enable_debug(app):
    DEBUG = True  # expect: negative
    return app, DEBUG
