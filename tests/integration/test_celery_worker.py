import socket
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from celery.result import AsyncResult, EagerResult
from django.conf import settings
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.models import User
from accounts.services.tokens import token_pair_issue
from accounts.tasks import expired_tokens_flush_task
from config.celery import app as celery_app
from tests.accounts.factories import UserFactory
from tests.integration.conftest import BIN, process_running

pytestmark = pytest.mark.integration


def _answers_ping(hostname: str) -> bool:
    return bool(celery_app.control.ping(destination=[hostname], timeout=0.5))


@pytest.fixture
def celery_worker(process_env: dict[str, str]) -> Iterator[str]:
    """A real `celery worker` process on the test database; yields its node name."""
    if not settings.REDIS_URL:
        pytest.fail(
            "The Celery worker test needs Redis as broker and result backend: set "
            "REDIS_URL=redis://127.0.0.1:6379/0 (`make test` in CI does). Without it tasks only run in-process."
        )
    name = f"bastion-test-{uuid.uuid4().hex[:12]}"
    hostname = f"{name}@{socket.gethostname()}"
    # A queue of its own: messages another run left in the shared default queue, or another worker on
    # the same Redis, must not take part in this test.
    command = [str(BIN / "celery"), "-A", "config", "worker", "--pool=solo", "--concurrency=1", "-l", "warning"]
    command += ["-n", hostname, "-Q", name, "--without-gossip", "--without-mingle"]
    default_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = name
    celery_app.conf.task_always_eager = False
    try:
        with process_running(command, env=process_env, ready=lambda: _answers_ping(hostname)):
            yield hostname
    finally:
        celery_app.conf.task_default_queue = default_queue
        celery_app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
        with celery_app.connection_for_write() as connection:
            queue = celery_app.amqp.queues[name](connection.default_channel)
            queue.declare()  # makes the binding known to this channel, so deleting removes it from Redis
            queue.delete()


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
