"""What every app's selectors share."""

from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from core.exceptions import ResourceNotFound

M = TypeVar("M", bound=Model)


def get_visible(queryset: QuerySet[M], *, what: str, **lookup: Any) -> M:
    """The one object of an actor's visible `queryset` matching `lookup`. Absent and not-yours are the
    same 404, so an id never tells whether something exists elsewhere."""
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist:
        raise ResourceNotFound(f"{what} not found.") from None
