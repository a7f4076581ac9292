"""Live push: a service that changes state tells the sockets listening for it, as Zulip's `do_*`
actions send their events. Every push goes through here, after the change is committed."""

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


def user_group(user_id: object) -> str:
    """The channel-layer group carrying one user's live events (`ws/events/`)."""
    return f"user-{user_id}"


def organization_alerts_group(organization_id: object) -> str:
    """The channel-layer group carrying one organization's alerts to its members' dashboards (`ws/alerts/`)."""
    return f"organization-alerts-{organization_id}"


def chat_group(chat_id: object) -> str:
    """The channel-layer group of one chat's open sockets (`ws/chat/<id>/`), all of its owner's."""
    return f"chat-{chat_id}"


def push_to_group(group: str, event: dict[str, Any]) -> None:
    """Send `event` to every socket in `group` once the current transaction commits (at once outside
    one); its `type` names the consumer's handler. Called from sync services, never from the loop."""
    layer = get_channel_layer()
    if layer is None:
        return
    # After the commit, so a client told of a change can already read it, and a rolled-back change is
    # never announced. Robust: the change stands by then, so a failed push is logged rather than
    # failing the request, and it does not keep the callbacks after it (emails, tasks) from running.
    transaction.on_commit(lambda: async_to_sync(layer.group_send)(group, event), robust=True)


def push_to_user(user_id: object, payload: dict[str, Any]) -> None:
    """Send `payload` as it is to each of one user's `ws/events/` sockets."""
    push_to_group(user_group(user_id), {"type": "user.event", "payload": payload})
