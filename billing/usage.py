"""Usage metering: every completion and embedding call writes one row, streamed or not."""

from decimal import Decimal

from billing.models import Usage
from organizations.models import Organization


def usage_record(
    *,
    organization: Organization,
    actor: object,
    model: str,
    provider: str,
    tokens_in: int,
    tokens_out: int,
    cost: Decimal,
    latency_ms: int,
    streamed: bool,
    kind: str = Usage.Kind.COMPLETION,
) -> Usage:
    """Record what one call cost, for the person or the API key that made it."""
    api_key = getattr(actor, "api_key", None)
    return Usage.objects.create(
        organization=organization,
        user=None if api_key is not None else actor,
        api_key=api_key,
        kind=kind,
        model=model,
        provider=provider,
        tokens_in=tokens_in,
        tokens_out=tokens_out,
        cost=cost,
        latency_ms=latency_ms,
        streamed=streamed,
    )
