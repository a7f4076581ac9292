from celery import shared_task

from accounts.services import tokens


@shared_task(acks_late=True)
def expired_tokens_flush_task() -> int:
    """Drop revocation records of tokens that have expired anyway; scheduled daily by operators."""
    return tokens.expired_tokens_flush()
