from collections import OrderedDict
from typing import Any

from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response


class SkipLimitPagination(LimitOffsetPagination):
    """PRODUCT.md's list shape: `{items, total, skip, limit}` driven by `?skip=&limit=`."""

    offset_query_param = "skip"
    limit_query_param = "limit"
    default_limit = 20
    max_limit = 100

    def get_paginated_response(self, data: list[Any]) -> Response:
        return Response(OrderedDict(items=data, total=self.count, skip=self.offset, limit=self.limit))

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["items", "total", "skip", "limit"],
            "properties": {
                "items": schema,
                "total": {"type": "integer", "minimum": 0},
                "skip": {"type": "integer", "minimum": 0},
                "limit": {"type": "integer", "minimum": 1},
            },
        }
