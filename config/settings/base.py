"""Settings shared by every environment. Each environment variable is read here, once."""

import os
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from core.encryption import derived_key

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# Used only by the embedded default; prod.py refuses to start with it.
DEV_SECRET_KEY = "bastion-dev-only-secret-key-do-not-use-in-production"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY") or DEV_SECRET_KEY
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
# Reverse proxies whose X-Forwarded-For is believed (addresses or CIDRs, comma-separated); none by
# default. Django alone reads the header (core.context.client_ip): every uvicorn
# command runs with --no-proxy-headers, so the server never rewrites the address behind its back.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "servestatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "django_otp",
    "django_otp_webauthn",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.github",
    "allauth.socialaccount.providers.openid_connect",
    "core",
    "accounts",
    "audit",
    "organizations",
    "projects",
    "scans",
    "alerts",
    "chats",
    "billing",
]

MIDDLEWARE = [
    "config.api.middleware.ClientContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.api.middleware.ApiBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.MFASessionGateMiddleware",
    "organizations.middleware.MembershipsOncePerRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "organizations.context_processors.current_organization",
            ],
        },
    },
]

# --- Data stores -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL)
    if DATABASE_URL
    else {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A web server writes from several threads at once: WAL lets reads go on during a write, the
    # busy timeout makes a second writer wait instead of failing with "database is locked", and
    # IMMEDIATE transactions take the write lock at BEGIN, so a check-then-write inside
    # `transaction.atomic` is serialized (SQLite has no SELECT ... FOR UPDATE).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Under ASGI each request's sync code runs in a thread of its own, so per-thread persistent
    # connections would mean a new connection per request; psycopg's pool keeps them warm instead.
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": int(os.environ.get("DATABASE_POOL_MIN", "2")),
        "max_size": int(os.environ.get("DATABASE_POOL_MAX", "10")),
        "timeout": 10,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"pool_class": "config.cache.SharedConnectionPool"},
        }
    }
    # No read timeout: channels-redis blocks on Redis for up to 5 s at a time, which redis-py 8's
    # default socket timeout would turn into dropped idle WebSockets.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": None}]},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Celery: a real broker when Redis is configured, otherwise tasks run in-process -------------
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Encryption at rest (core/encryption.py) ----------------------------------------------------
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEY") or [derived_key(SECRET_KEY)]

# --- Accounts ------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.EmailOrUsernameBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "email", "full_name")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]

JWT_SECRET_KEY = os.environ.get("JWT_SECRET_KEY") or SECRET_KEY
JWT_ALGORITHM = os.environ.get("JWT_ALGORITHM", "HS256")
JWT_EXPIRATION_MINUTES = int(os.environ.get("JWT_EXPIRATION", "15"))
JWT_REFRESH_EXPIRATION_DAYS = int(os.environ.get("JWT_REFRESH_EXPIRATION_DAYS", "7"))
# A rotated refresh token presented again within this many seconds gets the same new pair (two tabs
# refreshing at once); later, it counts as reuse and revokes its login.
JWT_REFRESH_REUSE_INTERVAL = int(os.environ.get("JWT_REFRESH_REUSE_INTERVAL", "10"))
# A WebSocket that has not sent a valid token within this many seconds is closed with 4401.
WEBSOCKET_AUTH_TIMEOUT = float(os.environ.get("WEBSOCKET_AUTH_TIMEOUT", "5"))
SIMPLE_JWT = {
    "SIGNING_KEY": JWT_SECRET_KEY,
    "ALGORITHM": JWT_ALGORITHM,
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=JWT_EXPIRATION_MINUTES),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=JWT_REFRESH_EXPIRATION_DAYS),
    "AUTH_TOKEN_CLASSES": ("accounts.tokens.AccessToken",),
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "sub",
    "UPDATE_LAST_LOGIN": False,
    "LEEWAY": 0,
}

# Brute-force limits (accounts/ratelimits.py) count in the default cache: Redis when configured.
RATELIMIT_USE_CACHE = "default"

# Second factors
MFA_ISSUER = os.environ.get("MFA_ISSUER", "Bastion")
SMS_BACKEND = os.environ.get("SMS_BACKEND", "accounts.sms.ConsoleSMSBackend")
SMS_FROM = os.environ.get("SMS_FROM", "")
SMS_TWILIO_ACCOUNT_SID = os.environ.get("SMS_TWILIO_ACCOUNT_SID", "")
SMS_TWILIO_AUTH_TOKEN = os.environ.get("SMS_TWILIO_AUTH_TOKEN", "")
SMS_TWILIO_BASE_URL = os.environ.get("SMS_TWILIO_BASE_URL", "https://api.twilio.com")

# Passkeys (django-otp-webauthn): the relying party is this deployment's own host name.
OTP_WEBAUTHN_RP_ID = os.environ.get("WEBAUTHN_RP_ID", "localhost")
OTP_WEBAUTHN_RP_NAME = os.environ.get("WEBAUTHN_RP_NAME", "Bastion")
# Passkeys are a second factor here, never a password replacement: security keys with no room for
# resident credentials work too (the library's own passwordless URLs are not mounted).
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list("WEBAUTHN_ALLOWED_ORIGINS", "http://localhost:8000")

# --- Single sign-on: django-allauth serves SSO only (accounts/sso.py adapts it) ----------------------
# Our own pages and API do every password sign-in, sign-up, reset and second factor; allauth only
# runs the OAuth/OIDC handshakes. Users are matched by an email the provider says is verified.
SSO_OIDC_PROVIDER_ID = "oidc"


def sso_providers(env: Mapping[str, str]) -> dict[str, Any]:
    """allauth's SOCIALACCOUNT_PROVIDERS from `SSO_*` variables: a provider is on when its client id is set."""

    def app(prefix: str) -> dict[str, Any]:
        if not env.get(f"{prefix}_CLIENT_SECRET"):
            raise ImproperlyConfigured(f"{prefix}_CLIENT_ID is set: set {prefix}_CLIENT_SECRET too.")
        return {"client_id": env[f"{prefix}_CLIENT_ID"], "secret": env[f"{prefix}_CLIENT_SECRET"]}

    providers: dict[str, Any] = {}
    if env.get("SSO_GOOGLE_CLIENT_ID"):
        providers["google"] = {"APPS": [app("SSO_GOOGLE")], "OAUTH_PKCE_ENABLED": True}
    if env.get("SSO_GITHUB_CLIENT_ID"):
        providers["github"] = {"APPS": [app("SSO_GITHUB")]}
    if env.get("SSO_OIDC_CLIENT_ID"):
        if not env.get("SSO_OIDC_SERVER_URL"):
            raise ImproperlyConfigured("SSO_OIDC_CLIENT_ID is set: set SSO_OIDC_SERVER_URL (the issuer) too.")
        oidc = app("SSO_OIDC") | {"provider_id": SSO_OIDC_PROVIDER_ID, "name": env.get("SSO_OIDC_NAME") or "SSO"}
        oidc["settings"] = {"server_url": env["SSO_OIDC_SERVER_URL"], "oauth_pkce_enabled": True}
        providers["openid_connect"] = {"APPS": [oidc]}
    return providers


def sso_authorization_origins(providers: Mapping[str, Any]) -> list[str]:
    """Where an SSO button's form ends up after allauth's redirect: browsers hold it to the page's `form-action`."""
    known = {"google": "https://accounts.google.com", "github": "https://github.com"}
    origins = [known[name] for name in providers if name in known]
    # The issuer's origin: where nearly every provider also serves its authorization endpoint.
    for app in providers.get("openid_connect", {}).get("APPS", []):
        issuer = urlsplit(app["settings"]["server_url"])
        origins.append(f"{issuer.scheme}://{issuer.netloc}")
    return origins


SOCIALACCOUNT_PROVIDERS = sso_providers(os.environ)
SSO_FORM_ACTION_ORIGINS = sso_authorization_origins(SOCIALACCOUNT_PROVIDERS)
# Exact URIs, or `scheme://host[:port]/path-prefix*`, that `auth/sso/{provider}/login` may send tokens to.
SSO_REDIRECT_URI_ALLOWLIST = env_list("SSO_REDIRECT_URI_ALLOWLIST")
SOCIALACCOUNT_ONLY = True  # allauth mounts no password, sign-up, reset or email pages of its own
ACCOUNT_ADAPTER = "accounts.sso.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.sso.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*"]
# No verification mail (SOCIALACCOUNT_ONLY requires it): the adapter admits only provider-verified emails.
ACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_REQUIRED = True
SOCIALACCOUNT_QUERY_EMAIL = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True

# Projects: repository URLs on private or loopback addresses only when an operator allows them.
ALLOW_PRIVATE_REPO_URLS = env_bool("ALLOW_PRIVATE_REPO_URLS", False)

# `manage.py demo` (an account with a published password) is refused unless a settings module allows it.
DEMO_DATA_ALLOWED = env_bool("DEMO_DATA_ALLOWED", False)

# --- API ------------------------------------------------------------------------------------------
API_MAX_BODY_BYTES = int(os.environ.get("API_MAX_BODY_BYTES", str(1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = API_MAX_BODY_BYTES

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "organizations.authentication.ApiKeyAuthentication",
        "accounts.authentication.JWTAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["config.api.permissions.IsUser"],
    "DEFAULT_PARSER_CLASSES": ["config.api.parsers.JSONBodyParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "config.api.pagination.SkipLimitPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "config.api.exceptions.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "config.api.schema.BastionAutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Bastion API",
    "DESCRIPTION": "Self-hosted, multi-tenant secure AI platform. Every error has the shape "
    "`{detail, status_code, error_code, errors?}`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Vendored from npm by scripts/vendor-assets.sh, patched to load nothing from outside.
    "REDOC_DIST": "/static/vendor/redoc",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    "ENUM_NAME_OVERRIDES": {
        "MFAMethodEnum": "accounts.api.mfa.ENROLL_METHOD_CHOICES",
        "MFACodeMethodEnum": "accounts.api.mfa.CODE_METHOD_CHOICES",
        "MFADeviceMethodEnum": "accounts.api.mfa.DEVICE_METHOD_CHOICES",
        "MFALoginMethodEnum": "accounts.models.MFAMethod",
        "UserRoleEnum": "accounts.api.serializers.PLATFORM_ROLES",
        "OrganizationRoleEnum": "organizations.roles.Role",
    },
}

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
    },
}
