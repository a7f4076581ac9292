from django.core.exceptions import ValidationError
from django.db import models

from config.api.exceptions import ValidationFailed


def model_check(instance: models.Model, *, exclude: list[str] | None = None, validate_unique: bool = True) -> None:
    """`full_clean()`, with Django's field errors turned into the API's 422 `VALIDATION_ERROR`."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=validate_unique, validate_constraints=validate_unique)
    except ValidationError as error:
        raise ValidationFailed(errors=error.message_dict) from None
