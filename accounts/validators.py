import string

from django.core.exceptions import ValidationError


class CharacterClassValidator:
    """Require characters from several classes: lower case, upper case, digits, symbols."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def _classes(self, password: str) -> int:
        checks = (
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(c in string.punctuation or c.isspace() or not c.isalnum() for c in password),
        )
        return sum(checks)

    def validate(self, password: str, user: object = None) -> None:
        if self._classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return (
            f"Your password must mix at least {self.min_classes} of: lower-case letters, "
            "upper-case letters, digits and symbols."
        )
