from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """The one error shape (PRODUCT.md "Errors"); `errors` only on validation failures."""

    detail = serializers.CharField()
    status_code = serializers.IntegerField()
    error_code = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)
