"""Celery tasks: each takes plain values and calls a service. Services import this module at the top to
enqueue; a task imports its service only when it runs, so loading one module never loads the other."""

from typing import Any

from celery import shared_task

from core.context import client_as


@shared_task(acks_late=True)
def expired_tokens_flush_task() -> int:
    """Drop revocation records of tokens that have expired anyway; sent daily by beat."""
    from accounts.services.tokens import expired_tokens_flush

    return expired_tokens_flush()


@shared_task(acks_late=True)
def password_reset_send_task(token_id: str, email: str, link_base: str, client: dict[str, Any]) -> None:
    """Email a reset link if `email` is an active account's; runs after the request has answered, as the
    client that asked."""
    from accounts.services.passwords import password_reset_send

    with client_as(client):
        password_reset_send(token_id=token_id, email=email, link_base=link_base)


@shared_task(acks_late=True)
def password_changed_notice_task(user_id: str, action: str) -> None:
    from accounts.services.passwords import password_changed_notice_send

    password_changed_notice_send(user_id=user_id, action=action)
