import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from celery.result import AsyncResult, EagerResult
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.models import User
from accounts.services.tokens import token_pair_issue
from accounts.tasks import expired_tokens_flush_task
from config.celery import app as celery_app
from tests.accounts.factories import UserFactory
from tests.processes import celery_worker_running

pytestmark = pytest.mark.integration


@pytest.fixture
def celery_worker(process_env: dict[str, str], celery_queue: str) -> Iterator[str]:
    """A real `celery worker` process on the test database; yields its node name."""
    with celery_worker_running(process_env, queue=celery_queue) as worker:
        yield worker.hostname


def _outstanding_token(*, user: User, expires_at: datetime) -> OutstandingToken:
    jti = uuid.uuid4().hex
    return OutstandingToken.objects.create(
        user=user, jti=jti, token=f"sha256={jti}", created_at=timezone.now() - timedelta(days=8), expires_at=expires_at
    )


def test_worker_flushes_expired_token_records_and_keeps_live_ones(celery_worker, transactional_db):
    user = UserFactory()
    token_pair_issue(user=user)  # a live login: its refresh token is recorded until it expires
    live = set(OutstandingToken.objects.values_list("pk", flat=True))
    _outstanding_token(user=user, expires_at=timezone.now() - timedelta(seconds=1))
    expired_and_revoked = _outstanding_token(user=user, expires_at=timezone.now() - timedelta(days=1))
    BlacklistedToken.objects.create(token=expired_and_revoked)

    result = expired_tokens_flush_task.delay()

    assert not isinstance(result, EagerResult)
    # Two outstanding records and the revocation of one of them.
    assert result.get(timeout=30) == 3
    assert set(OutstandingToken.objects.values_list("pk", flat=True)) == live
    assert not BlacklistedToken.objects.exists()
    # The result backend holds the outcome, and the worker we started counts the task as its own.
    assert AsyncResult(result.id, app=celery_app).state == "SUCCESS"
    stats = celery_app.control.inspect(destination=[celery_worker], timeout=5).stats()
    assert stats[celery_worker]["total"] == {expired_tokens_flush_task.name: 1}
