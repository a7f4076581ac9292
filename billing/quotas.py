"""The quota seams: one question per metered action, asked by the service that performs it.

Billing's plans (PRODUCT.md: free 50 scans and 100k chat tokens a month, pro 1000 and 5M, enterprise
unlimited) fill these in. Until then every organization may scan and chat; the callers already stop
when a seam says no.
"""

from organizations.models import Organization


def scan_allowed(*, organization: Organization) -> bool:
    """Whether the organization's plan grants one more scan now."""
    return True


def tokens_allowed(*, organization: Organization, actor: object, tokens: int) -> bool:
    """Whether the organization (and the person or key within it) may spend about `tokens` more now."""
    return True
