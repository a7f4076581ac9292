"""Live push: an event leaves when the change it announces is committed, and never for a rolled-back one."""

import asyncio
import uuid

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from core.push import push_to_group, push_to_user, user_group


def _listening(group: str) -> str:
    channel = async_to_sync(get_channel_layer().new_channel)()
    async_to_sync(get_channel_layer().group_add)(group, channel)
    return channel


@async_to_sync
async def _next_event(channel: str) -> dict:
    return await asyncio.wait_for(get_channel_layer().receive(channel), timeout=10)


def _change_that_fails(group: str) -> None:
    with transaction.atomic():
        push_to_group(group, {"type": "test.event", "change": "rolled back"})
        raise RuntimeError("the change fails after its push was asked for")


@pytest.mark.django_db(transaction=True)
def test_a_push_is_sent_on_commit_and_never_for_a_rolled_back_change():
    group = f"test-{uuid.uuid4()}"
    channel = _listening(group)

    with pytest.raises(RuntimeError):
        _change_that_fails(group)
    with transaction.atomic():
        push_to_group(group, {"type": "test.event", "change": "committed"})

    assert _next_event(channel) == {"type": "test.event", "change": "committed"}


@pytest.mark.django_db(transaction=True)
def test_a_push_to_a_user_reaches_their_event_stream_as_a_user_event():
    user_id = uuid.uuid4()
    channel = _listening(user_group(user_id))

    push_to_user(user_id, {"type": "alert.created", "id": "a1"})

    assert _next_event(channel) == {"type": "user.event", "payload": {"type": "alert.created", "id": "a1"}}
