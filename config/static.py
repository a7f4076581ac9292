"""Static files answered in front of Django, so a stylesheet never walks the middleware chain."""

import io
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpResponse
from django.middleware.security import SecurityMiddleware
from servestatic import ServeStaticASGI

from config.api.middleware import request_id_for

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class StaticFilesASGI:
    """ServeStatic for `STATIC_URL`, Django for everything else (and for a file that is not there).

    A file keeps what Django's SecurityMiddleware gave it when it was served from inside the chain:
    a plain-HTTP request goes on to Django when `SECURE_SSL_REDIRECT` is on (that middleware
    redirects it), and a file carries the same HSTS, nosniff, referrer and opener headers, and an
    `X-Request-ID` as every response of the chain does.
    """

    def __init__(self, application: ASGIApp) -> None:
        self.application = application
        self.security = SecurityMiddleware(lambda request: HttpResponse())
        debug = settings.DEBUG
        self.files = ServeStaticASGI(application, autorefresh=debug, max_age=0 if debug else 60)
        if settings.STATIC_ROOT:
            self.files.add_files(settings.STATIC_ROOT, prefix=settings.STATIC_URL)
        else:
            # Development and tests collect nothing: the finders' folders are served where they
            # are. A later folder overrides an earlier one, so the first finder's file wins, as in Django.
            for location, prefix in reversed(_finder_folders()):
                self.files.add_files(location, prefix=f"{settings.STATIC_URL}{prefix}")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(settings.STATIC_URL):
            request = ASGIRequest(scope, io.BytesIO())
            redirected = settings.SECURE_SSL_REDIRECT and not request.is_secure()  # by Django's chain
            if not redirected:
                await self.files(scope, receive, self._with_chain_headers(request, send))
                return
        await self.application(scope, receive, send)

    def _with_chain_headers(self, request: ASGIRequest, send: Send) -> Send:
        response = self.security.process_response(request, HttpResponse())
        response["X-Request-ID"] = request_id_for(request.headers.get("X-Request-ID"))
        headers = [
            (name.lower().encode("latin-1"), value.encode("latin-1"))
            for name, value in response.items()
            if name != "Content-Type"
        ]

        async def send_with_chain_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                # A miss is Django's own 404, which has these headers (and its own request id) already.
                present = {name.lower() for name, _ in message["headers"]}
                added = [(name, value) for name, value in headers if name not in present]
                message = {**message, "headers": [*message["headers"], *added]}
            await send(message)

        return send_with_chain_headers


def _finder_folders() -> list[tuple[str, str]]:
    """The folders the staticfiles finders search, in their order, with each one's URL prefix."""
    return [
        (storage.location, getattr(storage, "prefix", None) or "")
        for finder in finders.get_finders()
        for storage in getattr(finder, "storages", {}).values()
    ]
