"""Accounts: users, passwords, tokens, brute-force limits and second factors."""

import os
from datetime import timedelta

from .env import env_list
from .security import SECRET_KEY

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
