from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.views.decorators.csrf import csrf_exempt

from config.api.exceptions import error_body, internal_error_body
from config.api.paths import API_PATH_PREFIXES


@csrf_exempt  # it changes nothing; without this a POST to an unknown path would answer 403 (CSRF), not 404
def api_not_found(request: HttpRequest, *args: object, **kwargs: object) -> JsonResponse:
    """Unknown paths under the API answer in the API's error shape, never with an HTML page."""
    body = error_body(detail="No such endpoint.", status_code=404, error_code="RESOURCE_NOT_FOUND")
    return JsonResponse(body, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Unexpected failures: the API's error shape for API clients, a page for people in the dashboard."""
    request_id = getattr(request, "request_id", "-")
    if request.path.startswith(API_PATH_PREFIXES):
        return JsonResponse(internal_error_body(request_id), status=500)
    # Rendered without the request so no context processor (session, user) can fail a second time.
    return HttpResponseServerError(loader.get_template("500.html").render({"request_id": request_id}))
