"""The base of every tenant model's queryset: a read starts from a scope, or says loudly that it does not.

A scope is the actor (`visible_to`), an organization that already came through the tenancy door
(`in_organization`), or a secret the caller holds. Reading across every organization is
`dangerously_unscoped()`, which only admin, management commands and tasks handed an id may call;
`tests/core/test_unscoped_queries.py` fails when anything else does.
"""

from typing import Any, Self

from django.db import models


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, actor: Any) -> Self:
        raise NotImplementedError(f"{type(self).__name__} must say what an actor may see.")

    def dangerously_unscoped(self) -> Self:
        """Every row of every organization: for operators and background work, never for a request."""
        return self.all()
