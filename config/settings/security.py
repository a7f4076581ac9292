"""Keys, hosts and the headers every response carries."""

import os

from core.encryption import derived_key

from .env import DEV_SECRET_KEY, env_list
from .sso import SSO_FORM_ACTION_ORIGINS

SECRET_KEY = os.environ.get("SECRET_KEY") or DEV_SECRET_KEY
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
# Reverse proxies whose X-Forwarded-For is believed (addresses or CIDRs, comma-separated); none by
# default. Django alone reads the header (core.context.client_ip): every uvicorn
# command runs with --no-proxy-headers, so the server never rewrites the address behind its back.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# --- Encryption at rest (core/encryption.py) ----------------------------------------------------
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEY") or [derived_key(SECRET_KEY)]

# --- Security headers ---------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'", *SSO_FORM_ACTION_ORIGINS],
    }
}
