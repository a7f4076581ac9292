"""Account writes: registration, profile changes and checking the first factor."""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from accounts.exceptions import DuplicateEmail, InvalidCredentials, WeakPassword
from accounts.models import MFAChallenge, User, identifier_canonical
from accounts.ratelimits import login_attempt
from accounts.services.mfa import mfa_challenge_issue
from audit.models import AuditEvent
from audit.services import audit_event_record
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
    email_key = identifier_canonical(email) if email else None
    username_key = identifier_canonical(username) if username else None
    # One query, so one snapshot: an account committed between two separate checks would be seen by
    # the second only, and the answer would depend on the timing rather than on the email winning.
    taken = users.filter(Q(email_key=email_key) | Q(username_key=username_key)).values_list("email_key", flat=True)
    taken = list(taken[:2])
    if email_key is not None and email_key in taken:
        raise DuplicateEmail(errors={"email": ["An account with this email already exists."]})
    if taken:
        raise AlreadyExists(errors={"username": ["This username is taken."]})


def user_register(*, email: str, username: str, password: str, full_name: str = "") -> User:
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
    audit_event_record(action=AuditEvent.Action.REGISTERED, user=user)
    return user


@dataclass(frozen=True)
class SignUp:
    """A new account and its `enrollment_token`, which can only enroll the first second factor."""

    user: User
    enrollment_token: str


@transaction.atomic
def user_sign_up(*, email: str, username: str, password: str, full_name: str = "") -> SignUp:
    """Register an account and start enrolling its first factor: no account signs in without one."""
    user = user_register(email=email, username=username, password=password, full_name=full_name)
    token = mfa_challenge_issue(user=user, purpose=MFAChallenge.Purpose.ENROLL)
    return SignUp(user=user, enrollment_token=token)


def user_update(*, user: User, **fields: Any) -> User:
    """Change profile fields (`full_name`, `username`); the email address and staff status are not self-service."""
    allowed = {"full_name", "username"}
    for name, value in fields.items():
        if name not in allowed:
            raise ValidationFailed(errors={name: ["This field cannot be changed here."]})
        setattr(user, name, value)
    model_check(user, validate_unique=False)
    _uniqueness_check(email="", username=fields.get("username", ""), exclude=user)
    user.save(update_fields=list(fields))
    return user


def auth_login(*, identifier: str, password: str) -> User:
    """Check the first factor, within the failure limits (`accounts.ratelimits`), counted per account
    whichever spelling names it. Every failure looks the same: no hint whether the account exists."""
    named = User.objects.by_identifier(identifier)
    with login_attempt(account=str(named.pk) if named else identifier_canonical(identifier)):
        user = authenticate(None, username=identifier, password=password)
        if user is None:
            # Recorded on the account named, so its owner sees attempts on it among their security events.
            audit_event_record(action=AuditEvent.Action.LOGIN_FAILED, user=named)
            raise InvalidCredentials()
    return user
