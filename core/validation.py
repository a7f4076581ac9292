from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from core.exceptions import AlreadyExists, ValidationFailed


def model_check(instance: models.Model, *, exclude: list[str] | None = None, validate_unique: bool = True) -> None:
    """`full_clean()`, with Django's field errors turned into the API's 422 `VALIDATION_ERROR`."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=validate_unique, validate_constraints=validate_unique)
    except ValidationError as error:
        raise ValidationFailed(errors=error.message_dict) from None


def model_save(instance: models.Model, *, conflict: dict[str, list[str]]) -> None:
    """Check the fields and save. The unique constraint is the database's to judge, so a value taken
    before or during this write is the same 422 `ALREADY_EXISTS`, with `conflict` as its field errors."""
    model_check(instance, validate_unique=False)
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        raise AlreadyExists(errors=conflict) from None


def model_update(
    instance: models.Model, *, fields: dict[str, Any], editable: Iterable[str], conflict: dict[str, list[str]]
) -> list[str]:
    """Set the given editable fields, check and save as `model_save` does; returns the names changed
    (for the audit log: names only, never values)."""
    changed = [name for name in editable if name in fields]
    for name in changed:
        setattr(instance, name, fields[name])
    model_save(instance, conflict=conflict)
    return changed
