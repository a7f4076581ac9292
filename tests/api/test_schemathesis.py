"""Every operation of `/openapi.json`, driven with generated requests, answers as the schema says."""

from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import User
from accounts.services.tokens import token_pair_issue
from config.wsgi import application
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory

schema = schemathesis.openapi.from_wsgi("/openapi.json", application)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]

# Generated secrets never match a real account, so without these the success paths (a token pair
# issued, a refresh rotated, a login's family revoked) would go untested.
REAL_FIELDS: dict[str, Callable[[User], dict[str, Any]]] = {
    "POST /api/v1/auth/login": lambda user: {"email": user.email, "password": DEFAULT_PASSWORD},
    "POST /api/v1/auth/refresh": lambda user: {"refresh_token": token_pair_issue(user=user).refresh_token},
    "POST /api/v1/auth/logout": lambda user: {"refresh_token": token_pair_issue(user=user).refresh_token},
    "POST /api/v1/auth/register": lambda user: {"password": DEFAULT_PASSWORD},
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
    if real_fields and isinstance(case.body, dict) and case.operation.label in REAL_FIELDS:
        case.body.update(REAL_FIELDS[case.operation.label](member))
    # A fresh token per request: one example signing out must not leave the next one unauthenticated.
    headers = {"Authorization": f"Bearer {token_pair_issue(user=member).access_token}"} if _needs_token(case) else {}
    case.call_and_validate(headers=headers, checks=CHECKS)
