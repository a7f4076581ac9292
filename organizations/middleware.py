from collections.abc import Awaitable

from django.http import HttpRequest, HttpResponse

from core.middleware import HybridMiddleware
from organizations.access import memberships_remembered


class MembershipsOncePerRequestMiddleware(HybridMiddleware):
    """A request reads each person's memberships once, whether a view, a service or the navigation asks."""

    def __call__(self, request: HttpRequest) -> HttpResponse | Awaitable[HttpResponse]:
        if self.async_mode:
            return self._acall(request)
        with memberships_remembered():
            return self.get_response(request)

    async def _acall(self, request: HttpRequest) -> HttpResponse:
        with memberships_remembered():
            return await self.get_response(request)
