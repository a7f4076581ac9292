"""Every operation of `/openapi.json`, driven with generated requests, answers as the schema says."""

from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import CHECKS as REGISTERED_CHECKS
from schemathesis.checks import is_check_class, load_all_checks
from schemathesis.specs.openapi.checks import positive_data_acceptance

from accounts.models import User
from accounts.services.tokens import token_pair_issue
from config.wsgi import application
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory

schema = schemathesis.openapi.from_wsgi("/openapi.json", application)

# `--checks all`: every check schemathesis registers, the stateful ones (classes) aside, since this
# test drives one operation at a time.
load_all_checks()

# Codes that say the request itself was malformed. A schema-valid request answered with one of these
# means the schema lied about what the server accepts.
SHAPE_CODES = {"INVALID_REQUEST", "VALIDATION_ERROR", "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE"}


def state_aware_positive_data_acceptance(ctx: Any, response: Any, case: schemathesis.Case) -> bool | None:
    """`positive_data_acceptance`, except for the refusals no schema can rule out: an email already
    taken, a reset token that is not real, nothing pending to confirm. Those pass only with a code the
    operation documents in its `x-error-codes` for that status."""
    documented = case.operation.definition.raw.get("responses", {}).get(str(response.status_code), {})
    try:
        code = response.json().get("error_code")
    except (ValueError, AttributeError):
        code = None
    if code in documented.get("x-error-codes", ()) and code not in SHAPE_CODES:
        return None
    return positive_data_acceptance(ctx, response, case)


CHECKS = [
    state_aware_positive_data_acceptance if check is positive_data_acceptance else check
    for check in REGISTERED_CHECKS.get_all()
    if not is_check_class(check)
]


# Generated secrets never match a real account, so without these the success paths (a token pair
# issued, a refresh rotated, a login's family revoked) would go untested.
def _by_email(user: User) -> dict[str, Any]:
    return {"email": user.email, "password": DEFAULT_PASSWORD}


def _by_username(user: User) -> dict[str, Any]:
    return {"username": user.email, "password": DEFAULT_PASSWORD}  # as seeds 002 and 004 send it


def _refresh_token(user: User) -> dict[str, Any]:
    return {"refresh_token": token_pair_issue(user=user).refresh_token}


def _password(user: User) -> dict[str, Any]:
    return {"password": DEFAULT_PASSWORD}


REAL_FIELDS: dict[str, Callable[[User], dict[str, Any]]] = {
    "POST /api/v1/auth/login": _by_email,
    "POST /api/v1/auth/refresh": _refresh_token,
    "POST /api/v1/auth/logout": _refresh_token,
    "POST /api/v1/auth/register": _password,
    # The seed-compatible aliases of the same operations (docs/COMPATIBILITY.md).
    "POST /auth/login": _by_email,
    "POST /api/v1/auth/jwt/login": _by_username,
    "POST /api/auth/login": _by_username,
    "POST /auth/logout": _refresh_token,
    "POST /auth/register": _password,
    "POST /api/auth/register": _password,
}


def _needs_token(case: schemathesis.Case) -> bool:
    requirements = case.operation.definition.raw.get("security", schema.raw_schema.get("security", []))
    return any(requirements)


@pytest.fixture
def member(transactional_db) -> User:
    # Committed: the WSGI app runs Django's whole request cycle, which closes a connection left inside
    # a transaction (the `db` fixture's) when the request finishes.
    return UserFactory()


@schema.parametrize()
@schema.given(real_fields=st.booleans())
# `member` is meant to outlive the examples: one account signs every request of an operation.
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_api_answers_as_its_schema_says(case, member, real_fields):
    # Only into valid cases: a real secret written over a negative case's bad field would make it valid.
    positive = case.meta is None or case.meta.generation.mode.is_positive
    if real_fields and positive and isinstance(case.body, dict) and case.operation.label in REAL_FIELDS:
        case.body.update(REAL_FIELDS[case.operation.label](member))
    headers = {}
    if _needs_token(case):
        # A fresh token per request: one example signing out must not leave the next one unauthenticated.
        headers["Authorization"] = f"Bearer {token_pair_issue(user=member).access_token}"
        # A generated X-API-Key beside it would be refused as a second credential, every time.
        (case.headers or {}).pop("X-API-Key", None)
    case.call_and_validate(headers=headers, checks=CHECKS)
