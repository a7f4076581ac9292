from collections import OrderedDict
from typing import Any

from django.db.models import Count, QuerySet, Window
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response

from core.exceptions import ValidationFailed

LARGEST_OFFSET = 2**63 - 1


class SkipLimitPagination(LimitOffsetPagination):
    """PRODUCT.md's list shape: `{items, total, skip, limit}` driven by `?skip=&limit=`.

    A value out of range is refused (422 naming the parameter), never quietly replaced: a client
    asking for page 5000 of 100 must learn that it did not get what it asked for.
    """

    offset_query_param = "skip"
    limit_query_param = "limit"
    default_limit = 20
    max_limit = 100

    def _bounded(self, request: Request, name: str, *, default: int, minimum: int, maximum: int | None) -> int:
        raw = request.query_params.get(name)
        if raw is None:
            return default
        try:
            value = int(raw, 10)
        except ValueError:
            value = None
        if value is None or value < minimum or (maximum is not None and value > maximum):
            bounds = f"from {minimum} to {maximum}" if maximum is not None else f"of {minimum} or more"
            raise ValidationFailed(errors={name: [f"Give a whole number {bounds}."]})
        return value

    def get_limit(self, request: Request) -> int:
        return self._bounded(
            request, self.limit_query_param, default=self.default_limit, minimum=1, maximum=self.max_limit
        )

    def get_offset(self, request: Request) -> int:
        return self._bounded(request, self.offset_query_param, default=0, minimum=0, maximum=None)

    def paginate_queryset(self, queryset: QuerySet, request: Request, view: Any = None) -> list[Any]:
        self.request = request
        self.limit = self.get_limit(request)
        self.offset = self.get_offset(request)
        if queryset.query.distinct or self.offset + self.limit > LARGEST_OFFSET:
            # A window function counts the rows before DISTINCT removes any, and the databases take
            # no OFFSET past 64 bits: both are counted apart, and a skip past the end reads no page.
            return super().paginate_queryset(queryset, request, view)
        # The page and the list's size in one query rather than two: each row carries the total.
        page = list(queryset.annotate(_list_total=Window(Count("*")))[self.offset : self.offset + self.limit])
        if page:
            self.count = page[0]._list_total
        else:
            # Past the end no row carries it; an empty list needs no second query.
            self.count = queryset.count() if self.offset else 0
        return page

    def get_paginated_response(self, data: list[Any]) -> Response:
        return Response(OrderedDict(items=data, total=self.count, skip=self.offset, limit=self.limit))

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        bounds = {
            self.limit_query_param: {"minimum": 1, "maximum": self.max_limit, "default": self.default_limit},
            self.offset_query_param: {"minimum": 0, "default": 0},
        }
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"].update(bounds[parameter["name"]])
        return parameters

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["items", "total", "skip", "limit"],
            "properties": {
                "items": schema,
                "total": {"type": "integer", "minimum": 0},
                "skip": {"type": "integer", "minimum": 0},
                "limit": {"type": "integer", "minimum": 1, "maximum": self.max_limit},
            },
        }
