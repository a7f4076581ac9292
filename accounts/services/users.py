"""Account writes: registration, profile changes and checking the first factor."""

from typing import Any

from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest

from accounts.exceptions import DuplicateEmail, InvalidCredentials, WeakPassword
from accounts.models import AuditEvent, User, identifier_canonical
from accounts.ratelimits import login_attempt
from accounts.services.audit import audit_event_record
from core.exceptions import AlreadyExists, ValidationFailed
from core.validation import model_check


def password_check(*, password: str, user: User) -> None:
    """Raise `WeakPassword` with every reason the password fails the configured rules."""
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise WeakPassword(errors={"password": list(error.messages)}) from None


def _uniqueness_check(*, email: str, username: str, exclude: User | None = None) -> None:
    users = User.objects.exclude(pk=exclude.pk) if exclude else User.objects.all()
    if email and users.filter(email_key=identifier_canonical(email)).exists():
        raise DuplicateEmail(errors={"email": ["An account with this email already exists."]})
    if username and users.filter(username_key=identifier_canonical(username)).exists():
        raise AlreadyExists(errors={"username": ["This username is taken."]})


def user_register(
    *, email: str, username: str, password: str, full_name: str = "", request: HttpRequest | None = None
) -> User:
    email = User.objects.normalize_email(email).lower()
    user = User(email=email, username=username, full_name=full_name)
    model_check(user, exclude=["password"], validate_unique=False)
    _uniqueness_check(email=email, username=username)
    password_check(password=password, user=user)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # Lost a race with a concurrent registration of the same address or name.
        _uniqueness_check(email=email, username=username)
        raise
    audit_event_record(action=AuditEvent.Action.REGISTERED, user=user, request=request)
    return user


def user_update(*, user: User, **fields: Any) -> User:
    """Change profile fields (`full_name`, `username`); email and role are not self-service."""
    allowed = {"full_name", "username"}
    for name, value in fields.items():
        if name not in allowed:
            raise ValidationFailed(errors={name: ["This field cannot be changed here."]})
        setattr(user, name, value)
    model_check(user, validate_unique=False)
    _uniqueness_check(email="", username=fields.get("username", ""), exclude=user)
    user.save(update_fields=list(fields))
    return user


def auth_login(*, identifier: str, password: str, request: HttpRequest | None = None) -> User:
    """Check the first factor, within the failure limits (`accounts.ratelimits`), counted per account
    whichever spelling names it. Every failure looks the same: no hint whether the account exists."""
    named = User.objects.by_identifier(identifier)
    with login_attempt(request=request, account=str(named.pk) if named else identifier_canonical(identifier)):
        user = authenticate(request, username=identifier, password=password)
        if user is None:
            # Recorded on the account named, so its owner sees attempts on it among their security events.
            audit_event_record(action=AuditEvent.Action.LOGIN_FAILED, user=named, request=request)
            raise InvalidCredentials()
    return user
