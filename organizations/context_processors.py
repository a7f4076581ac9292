"""The organization a signed-in person is working in: kept in the session, shown by the switcher."""

from django.http import HttpRequest

from organizations.access import actor_role
from organizations.models import Organization
from organizations.selectors import organization_list

SESSION_KEY = "current_organization_id"


def _signed_in(request: HttpRequest) -> bool:
    # A request refused before the middleware ran (a bad Host header) has no user at all.
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated)


def organizations_of(request: HttpRequest) -> list[Organization]:
    """The signed-in person's organizations, with member counts, read once per request."""
    # Cached on the request: the page and the navigation both ask, and the list costs one query. Ordered
    # here because Django leaves Meta.ordering out of a GROUP BY query (the member count).
    if not hasattr(request, "_organizations_of_user"):
        request._organizations_of_user = list(organization_list(actor=request.user).order_by("name", "pk"))
    return request._organizations_of_user


def current_organization_get(request: HttpRequest) -> Organization | None:
    """The organization chosen in this session, or the first one; None for someone in none.

    Chosen only among the person's own organizations, so a stale or forged id in the session falls
    back to the first rather than reaching someone else's.
    """
    if not _signed_in(request):
        return None
    organizations = organizations_of(request)
    chosen = str(request.session.get(SESSION_KEY, ""))
    return next((o for o in organizations if str(o.pk) == chosen), organizations[0] if organizations else None)


def current_organization_set(request: HttpRequest, organization: Organization | None) -> None:
    if organization is None:
        request.session.pop(SESSION_KEY, None)
    else:
        request.session[SESSION_KEY] = str(organization.pk)
    request.__dict__.pop("_organizations_of_user", None)


def current_organization(request: HttpRequest) -> dict[str, object]:
    if not _signed_in(request):
        return {}
    organization = current_organization_get(request)
    return {
        "user_organizations": organizations_of(request),
        "current_organization": organization,
        # A callable, so that only a page that shows the role pays its query.
        "current_role": lambda: actor_role(actor=request.user, organization=organization) if organization else None,
    }
