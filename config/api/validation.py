from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from config.api.exceptions import ValidationFailed


def model_check(instance: models.Model, *, exclude: list[str] | None = None, validate_unique: bool = True) -> None:
    """`full_clean()`, with Django's field errors turned into the API's 422 `VALIDATION_ERROR`."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=validate_unique, validate_constraints=validate_unique)
    except ValidationError as error:
        raise ValidationFailed(errors=error.message_dict) from None


def model_save(instance: models.Model, *, conflict: dict[str, list[str]], validate_unique: bool = False) -> None:
    """Check and save; a unique constraint lost to a concurrent write becomes the 422 `conflict` describes."""
    model_check(instance, validate_unique=validate_unique)
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        raise ValidationFailed(errors=conflict) from None
