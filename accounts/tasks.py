from celery import shared_task

from accounts import services


@shared_task(acks_late=True)
def expired_tokens_flush_task() -> int:
    """Drop revocation records of tokens that have expired anyway; scheduled daily by operators."""
    return services.expired_tokens_flush()
