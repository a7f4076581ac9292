"""Memories through the API: private to their owner, ranked by meaning blended with importance."""

import time

import jwt
import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient

from chats.models import Memory
from organizations.roles import Role
from tests.chats.knowledge_factories import MemoryFactory
from tests.conftest import client_for
from tests.organizations.factories import MembershipFactory, api_key_with_secret

pytestmark = pytest.mark.django_db
LIST = reverse("memory-list")
SEARCH = reverse("memory-search")


def _detail(memory: Memory) -> str:
    return reverse("memory-detail", args=[memory.pk])


def test_a_member_keeps_a_memory_without_naming_their_only_organization(member, member_client):
    body = {"content": "User prefers dark mode", "memory_type": "preference", "importance_score": 0.8, "metadata": {}}

    response = member_client.post(LIST, body, format="json")

    assert response.status_code == 201, response.content
    memory = Memory.objects.visible_to(member.user).get()
    assert response.json() == {
        "id": str(memory.pk),
        "organization_id": str(member.organization_id),
        "content": "User prefers dark mode",
        "memory_type": "preference",
        "importance_score": 0.8,
        "metadata": {},
        "created_at": memory.created_at.isoformat().replace("+00:00", "Z"),
        "updated_at": memory.updated_at.isoformat().replace("+00:00", "Z"),
    }
    assert len(bytes(memory.embedding)) > 0


def test_someone_in_two_organizations_must_name_one(member, member_client):
    MembershipFactory(user=member.user)

    response = member_client.post(LIST, {"content": "x"}, format="json")

    assert response.status_code == 422
    assert "organization_id" in response.json()["errors"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"content": 5},
        {"content": ""},
        {"content": "x" * 10_001},
        {"content": "x", "memory_type": "secret"},
        {"content": "x", "importance_score": 1.5},
        {"content": "x", "importance_score": "0.5"},
        {"content": "x", "importance_score": True},
        {"content": "x", "metadata": []},
        {"content": "x", "metadata": {"a": {"b": {"c": {"d": {"e": 1}}}}}},
        {"content": "x", "metadata": {"big": "y" * 9000}},
        {"content": "x", "metadata": {"nul": "a\u0000b"}},
        {"content": "x", "organization_id": "not-a-uuid"},
    ],
)
def test_bad_memories_are_refused_with_the_field_named(member_client, body):
    response = member_client.post(LIST, body, format="json")

    assert response.status_code == 422, response.content
    assert response.json()["error_code"] == "VALIDATION_ERROR"
    assert not Memory.objects.dangerously_unscoped().exists()


def test_a_deeply_nested_body_is_a_400_not_a_crash(member_client):
    body = '{"content": "x", "metadata": ' + "[" * 500 + "]" * 500 + "}"

    response = member_client.post(LIST, body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error_code"] == "INVALID_REQUEST"


def test_an_oversized_body_is_a_413(member_client):
    response = member_client.post(LIST, {"content": "x" * (settings.API_MAX_BODY_BYTES + 1)}, format="json")

    assert response.status_code == 413


def test_a_memory_is_its_owners_alone(member, member_of):
    mine = MemoryFactory(organization=member.organization, user=member.user)
    for other in (member_of(Role.OWNER), member_of(Role.MEMBER)):
        client = client_for(other.user)

        assert client.get(_detail(mine)).status_code == 404
        assert client.patch(_detail(mine), {"content": "changed"}, format="json").status_code == 404
        assert client.delete(_detail(mine)).status_code == 404
        assert client.get(LIST).json()["items"] == []
    mine.refresh_from_db()
    assert mine.content.startswith("Remembered")


def test_an_outsider_naming_the_organization_gets_404(member):
    outsider = MembershipFactory(role=Role.OWNER)
    client = client_for(outsider.user)
    org = str(member.organization_id)

    assert client.post(LIST, {"content": "x", "organization_id": org}, format="json").status_code == 404
    assert client.get(LIST, {"organization_id": org}).status_code == 404
    assert client.post(SEARCH, {"query": "x", "organization_id": org}, format="json").status_code == 404


def test_a_viewer_may_not_keep_memories(member_of):
    viewer = member_of(Role.VIEWER)

    response = client_for(viewer.user).post(LIST, {"content": "x"}, format="json")

    # A viewer's role does not include chat: there is no organization where they may do it.
    assert response.status_code == 403
    assert response.json()["error_code"] == "INSUFFICIENT_PERMISSIONS"
    assert not Memory.objects.dangerously_unscoped().exists()


def test_a_viewer_naming_the_organization_gets_403(member_of, organization):
    viewer = member_of(Role.VIEWER)

    response = client_for(viewer.user).post(
        LIST, {"content": "x", "organization_id": str(organization.pk)}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["error_code"] == "INSUFFICIENT_PERMISSIONS"


def test_an_api_key_has_no_memories(organization):
    _, raw_key = api_key_with_secret(organization=organization, scopes=("chat",))
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=raw_key)

    created = client.post(LIST, {"content": "x"}, format="json")

    assert created.status_code == 403
    assert client.get(LIST).json()["items"] == []


def test_the_list_filters_by_type_and_pages_with_skip_or_offset(member, member_client):
    for n in range(3):
        MemoryFactory(organization=member.organization, user=member.user, memory_type="global", content=f"g{n}")
    MemoryFactory(organization=member.organization, user=member.user, memory_type="preference")

    everything = member_client.get(LIST).json()
    globals_ = member_client.get(LIST, {"memory_type": "global", "limit": 2, "offset": 1}).json()

    assert everything["total"] == 4
    assert (globals_["total"], globals_["skip"], globals_["limit"], len(globals_["items"])) == (3, 1, 2, 2)
    assert member_client.get(LIST, {"memory_type": "nope"}).status_code == 422
    assert member_client.get(LIST, {"limit": 0}).status_code == 422


def test_a_memory_changes_and_is_forgotten(member, member_client):
    memory = MemoryFactory(organization=member.organization, user=member.user)
    before = bytes(memory.embedding)

    changed = member_client.patch(_detail(memory), {"content": "Deploys happen on Tuesdays"}, format="json")
    assert member_client.patch(_detail(memory), {}, format="json").status_code == 422
    assert member_client.patch(_detail(memory), {"importance_score": -1}, format="json").status_code == 422

    assert changed.status_code == 200
    assert changed.json()["content"] == "Deploys happen on Tuesdays"
    memory.refresh_from_db()
    assert bytes(memory.embedding) != before
    assert member_client.delete(_detail(memory)).status_code == 204
    assert not Memory.objects.dangerously_unscoped().filter(pk=memory.pk).exists()


def test_search_ranks_by_meaning_not_only_words(member, member_client):
    own = {"organization": member.organization, "user": member.user}
    wanted = MemoryFactory(
        content="The user likes a dark colour scheme in every editor", memory_type="preference", **own
    )
    MemoryFactory(content="Quarterly invoices are sent by the finance team", memory_type="fact", **own)
    MemoryFactory(content="The production database runs PostgreSQL 16", memory_type="fact", **own)

    response = member_client.post(SEARCH, {"query": "night theme", "limit": 2}, format="json")

    assert response.status_code == 200, response.content
    items = response.json()["items"]
    assert items[0]["id"] == str(wanted.pk)
    assert items[0]["score"] >= items[1]["score"]
    only = member_client.post(SEARCH, {"query": "night theme", "memory_type": "fact"}, format="json").json()
    assert str(wanted.pk) not in {item["id"] for item in only["items"]}


def test_importance_breaks_a_tie_of_meaning(member, member_client):
    own = {"organization": member.organization, "user": member.user, "content": "Standups are at nine"}
    low = MemoryFactory(importance_score=0.1, **own)
    high = MemoryFactory(importance_score=0.9, **own)

    items = member_client.post(SEARCH, {"query": "when is standup"}, format="json").json()["items"]

    assert [item["id"] for item in items] == [str(high.pk), str(low.pk)]


@pytest.mark.parametrize("body", [{}, {"query": 1}, {"query": "x", "limit": 0}, {"query": "x", "limit": "5"}])
def test_bad_searches_are_refused(member_client, body):
    assert member_client.post(SEARCH, body, format="json").status_code == 422


def test_an_expired_token_is_refused(member):
    now = int(time.time())
    claims = {"token_type": "access", "sub": str(member.user.pk), "jti": "e" * 32, "iat": now - 600, "exp": now - 5}
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {jwt.encode(claims, settings.SIMPLE_JWT['SIGNING_KEY'])}")

    for response in (client.get(LIST), client.post(SEARCH, {"query": "x"}, format="json")):
        assert response.status_code == 401
        assert response.json()["error_code"] == "TOKEN_EXPIRED"
