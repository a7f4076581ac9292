from django.urls import path

from accounts.consumers import UserEventsConsumer
from alerts.consumers import AlertsConsumer
from chats.consumers import ChatConsumer

websocket_urlpatterns = [
    path("ws/events/", UserEventsConsumer.as_asgi()),
    path("ws/alerts/", AlertsConsumer.as_asgi()),
    # Any text as the id: one that is not a UUID is a chat that does not exist (4404), not a routing error.
    path("ws/chat/<str:chat_id>/", ChatConsumer.as_asgi()),
]
