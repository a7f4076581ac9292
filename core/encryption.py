"""Encryption at rest for secrets the server must read back (TOTP keys, phone numbers, repository tokens).

Keys come from `FIELD_ENCRYPTION_KEY`: comma-separated Fernet keys, the first encrypts and all
decrypt, so a key can be rotated by putting a new one first and re-saving the rows.
"""

import base64
import hashlib
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


def secret_digest(secret: str) -> str:
    """How bearer secrets Bastion hands out (reset, invitation, sign-in tokens, API keys) are stored.

    They are random with 256 bits of entropy, so a plain SHA-256 cannot be reversed or guessed; a slow
    password hash would only slow down every request that presents one.
    """
    return hashlib.sha256(secret.encode()).hexdigest()


def derived_key(secret: str) -> str:
    """A Fernet key derived from another secret (the embedded default only; production sets its own)."""
    return base64.urlsafe_b64encode(hashlib.sha256(f"bastion-field-encryption:{secret}".encode()).digest()).decode()


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as error:
        raise ImproperlyConfigured(f"FIELD_ENCRYPTION_KEY holds an invalid Fernet key: {error}") from None


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    return fernet().encrypt(plaintext.encode()).decode()


def decrypt(ciphertext: str) -> str:
    try:
        return fernet().decrypt(ciphertext.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured("A value cannot be decrypted with any key in FIELD_ENCRYPTION_KEY.") from None


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token; reads give the plaintext back. Not searchable, by design."""

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return decrypt(value)
