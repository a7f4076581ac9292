from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request


class IsUser(BasePermission):
    """A signed-in person. The default: API keys reach only the views that accept them explicitly."""

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and not getattr(user, "is_api_key", False))


class IsUserOrApiKey(BasePermission):
    """A person or an organization API key; what either may do is then the role table's decision."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated)
