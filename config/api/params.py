from uuid import UUID

from rest_framework.request import Request

from core.exceptions import ValidationFailed


def uuid_query_param(request: Request, name: str) -> UUID | None:
    """An optional UUID from the query string; anything else is a 422 naming the parameter."""
    value = request.query_params.get(name)
    # `?org_id=` names no organization: refusing it beats widening the list to all of them.
    if value is None:
        return None
    try:
        return UUID(value)
    except ValueError:
        raise ValidationFailed(errors={name: ["Must be a UUID."]}) from None
