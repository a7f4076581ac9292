"""The quota seams: one question per metered action, asked by the service that performs it.

Billing's plans (PRODUCT.md: free 50 scans a month, pro 1000, enterprise unlimited) fill these in.
Until then every organization may scan; the callers already stop when a seam says no.
"""

from organizations.models import Organization


def scan_allowed(*, organization: Organization) -> bool:
    """Whether the organization's plan grants one more scan now."""
    return True
