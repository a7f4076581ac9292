import json

from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """The one error shape (PRODUCT.md "Errors"); `errors` only on validation failures."""

    detail = serializers.CharField()
    status_code = serializers.IntegerField()
    error_code = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)


def _depth(value: object) -> int:
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    return 0


class MetadataField(serializers.DictField):
    """A client's own key-value notes on an object: any JSON object, within a size and a depth."""

    MAX_BYTES = 16 * 1024
    MAX_DEPTH = 5

    def to_internal_value(self, data: object) -> dict:
        value = super().to_internal_value(data)
        if _depth(value) > self.MAX_DEPTH:
            raise serializers.ValidationError(f"Nest metadata at most {self.MAX_DEPTH} levels deep.")
        if len(json.dumps(value, separators=(",", ":"))) > self.MAX_BYTES:
            raise serializers.ValidationError(f"Keep metadata under {self.MAX_BYTES // 1024} kB.")
        return value
