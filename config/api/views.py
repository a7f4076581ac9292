from django.http import HttpRequest, JsonResponse

from config.api.exceptions import error_body


def api_not_found(request: HttpRequest, *args: object, **kwargs: object) -> JsonResponse:
    """Unknown paths under the API answer in the API's error shape, never with an HTML page."""
    body = error_body(detail="No such endpoint.", status_code=404, error_code="RESOURCE_NOT_FOUND")
    return JsonResponse(body, status=404)


def server_error(request: HttpRequest) -> JsonResponse:
    body = error_body(
        detail=f"An unexpected error occurred. Quote request id {getattr(request, 'request_id', '-')} when reporting it.",
        status_code=500,
        error_code="INTERNAL_ERROR",
    )
    return JsonResponse(body, status=500)
