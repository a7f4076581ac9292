import logging
from functools import cache
from typing import Any

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

logger = logging.getLogger("bastion.health")

HealthSerializer = inline_serializer(
    "Health",
    {
        "status": serializers.ChoiceField(choices=["healthy", "unhealthy"]),
        "database_connection": serializers.ChoiceField(choices=["connected", "disconnected"]),
        "redis_connection": serializers.ChoiceField(choices=["connected", "disconnected", "not_configured"]),
        "timestamp": serializers.DateTimeField(),
    },
)


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "connected"
    except DatabaseError:
        logger.warning("Health check: database unreachable")
        return "disconnected"


@cache
def _redis_client(url: str) -> redis.Redis:
    # One client (and connection pool) per process: connecting anew would cost more than the check.
    return redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)


def _redis_state() -> str:
    if not settings.REDIS_URL:
        return "not_configured"
    try:
        _redis_client(settings.REDIS_URL).ping()
        return "connected"
    except redis.RedisError:
        logger.warning("Health check: Redis unreachable")
        return "disconnected"


def health_report() -> dict[str, Any]:
    database = _database_state()
    redis_state = _redis_state()
    healthy = database == "connected" and redis_state != "disconnected"
    return {
        "status": "healthy" if healthy else "unhealthy",
        "database_connection": database,
        "redis_connection": redis_state,
        "timestamp": timezone.now(),
    }


class HealthView(APIView):
    authentication_classes: list = []
    permission_classes: list = []

    @extend_schema(
        summary="Service health",
        responses={200: HealthSerializer, 503: HealthSerializer},
        tags=["health"],
    )
    def get(self, request: Request) -> Response:
        report = health_report()
        return Response(report, status=200 if report["status"] == "healthy" else 503)


class HealthAliasView(HealthView):
    """`/health` and `/api/health`: the same check under the paths load balancers expect, documented once."""

    schema = None
