"""One ASGI application for HTTP (static files in front of Django) and WebSockets (Channels)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

# Django must be set up before the consumers and their models are imported.
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from accounts.websocket import BrowserOriginValidator, TokenAuthMiddleware  # noqa: E402
from config.routing import websocket_urlpatterns  # noqa: E402
from config.static import StaticFilesASGI  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": StaticFilesASGI(django_asgi_app),
        "websocket": BrowserOriginValidator(TokenAuthMiddleware(URLRouter(websocket_urlpatterns))),
    }
)
