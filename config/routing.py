from django.urls import path

from accounts.consumers import UserEventsConsumer
from alerts.consumers import AlertsConsumer

websocket_urlpatterns = [
    path("ws/events/", UserEventsConsumer.as_asgi()),
    path("ws/alerts/", AlertsConsumer.as_asgi()),
]
