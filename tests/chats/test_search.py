"""RAG search (`search`, seed 004's `/api/search`) and `context_for`, the gateway's retrieval."""

import uuid

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from chats.models import Chunk
from chats.providers.base import Passage
from chats.retrieval import context_for
from chats.retrieval import index as cache
from chats.services.documents import collection_version_bump
from core.exceptions import InsufficientPermissions, ResourceNotFound
from organizations.roles import Role
from tests.chats.knowledge_factories import ChunkFactory, CollectionFactory, DocumentFactory, MemoryFactory
from tests.conftest import client_for
from tests.organizations.factories import MembershipFactory, api_key_with_secret

pytestmark = pytest.mark.django_db
SEARCH = reverse("search")
GUIDE = """# Signing keys

Bastion signs access tokens with a key that operators rotate every ninety days. The old key stays valid for one day.

# Backups

The database is backed up nightly at two in the morning and kept for thirty days.

# Alerts

A secret found in a scan raises an alert that is delivered by email and webhook."""


@pytest.fixture
def collection(member, member_client, upload):
    collection = CollectionFactory(organization=member.organization, name="Handbook")
    response = upload(member_client, {"title": "Ops guide", "content": GUIDE, "collection_id": str(collection.pk)})
    assert response.status_code == 201, response.content
    collection.refresh_from_db()
    return collection


def test_search_ranks_the_answering_chunk_first_and_cites_it(collection, member_client):
    body = {"question": "How often is the signing key rotated?", "collection_id": str(collection.pk)}

    response = member_client.post(SEARCH, body, format="json")

    assert response.status_code == 200, response.content
    answer = response.json()
    top = answer["results"][0]
    assert top["source"] == "Ops guide §1"
    assert "ninety days" in top["text"]
    assert top["rank"] == 1
    assert top["score"] >= answer["results"][-1]["score"]
    assert answer["answer"].startswith(
        "Bastion signs access tokens with a key that operators rotate every ninety days. [1]"
    )
    assert answer["citations"][0] == {
        "index": 1,
        "source": "Ops guide §1",
        "document_id": top["document_id"],
        "chunk_id": top["chunk_id"],
    }
    assert answer["question"] == body["question"]
    assert answer["collection_id"] == str(collection.pk)


def test_search_finds_by_meaning_where_words_differ(collection, member_client):
    body = {"question": "When are database copies made?", "collection_id": str(collection.pk), "limit": 1}

    results = member_client.post(SEARCH, body, format="json").json()["results"]

    assert [result["source"] for result in results] == ["Ops guide §2"]


def test_an_empty_collection_answers_that_nothing_answers(member, member_client):
    empty = CollectionFactory(organization=member.organization)

    answer = member_client.post(SEARCH, {"question": "anything", "collection_id": str(empty.pk)}, format="json").json()

    assert answer["results"] == []
    assert answer["answer"] == "No passage in the collection answers this question."


def test_seed_004_path_answers_with_the_same_results_and_its_user_id(collection, member, member_client):
    body = {"question": "backups", "collection_id": str(collection.pk), "user_id": str(uuid.uuid4())}

    canonical = member_client.post(SEARCH, body, format="json").json()
    seed = member_client.post("/api/search", body, format="json").json()

    assert seed["user_id"] == str(member.user.pk)  # the token's account, never the one the body claims
    assert seed["results"] == canonical["results"]
    assert seed["answer"] == canonical["answer"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, "VALIDATION_ERROR"),
        ({"question": "x"}, "VALIDATION_ERROR"),
        ({"question": "x", "collection_id": "nope"}, "VALIDATION_ERROR"),
        ({"question": "x", "collection_id": 7}, "VALIDATION_ERROR"),
        # The door finds the collection before the body is checked: an unknown one is a 404 whatever else is wrong.
        ({"collection_id": "00000000-0000-0000-0000-000000000000"}, "RESOURCE_NOT_FOUND"),
    ],
)
def test_bad_searches_are_refused(member_client, body, code):
    response = member_client.post(SEARCH, body, format="json")

    assert response.json()["error_code"] == code


def test_a_question_of_the_wrong_type_is_refused(collection, member_client):
    for question in (1, "", ["x"], "x" * 2001, None):
        body = {"question": question, "collection_id": str(collection.pk)}
        assert member_client.post(SEARCH, body, format="json").status_code == 422


def test_bad_limits_are_refused(collection, member_client):
    for limit in (0, 51, "3", True):
        body = {"question": "x", "collection_id": str(collection.pk), "limit": limit}
        assert member_client.post(SEARCH, body, format="json").status_code == 422


def test_another_organizations_collection_is_a_404_on_both_paths(collection):
    outsider = client_for(MembershipFactory(role=Role.OWNER).user)
    _, foreign_key = api_key_with_secret(scopes=("chat",))
    keyed = APIClient()
    keyed.credentials(HTTP_X_API_KEY=foreign_key)
    body = {"question": "backups", "collection_id": str(collection.pk)}

    for client in (outsider, keyed):
        for path in (SEARCH, "/api/search"):
            response = client.post(path, body, format="json")
            assert response.status_code == 404, response.content
            assert response.json()["error_code"] == "RESOURCE_NOT_FOUND"


def test_a_viewer_is_refused_search(collection, member_of):
    viewer = client_for(member_of(Role.VIEWER).user)

    response = viewer.post(SEARCH, {"question": "x", "collection_id": str(collection.pk)}, format="json")

    assert response.status_code == 403


def test_a_change_made_by_another_process_shows_at_the_next_query(collection, member_client):
    body = {"question": "What colour is the office door?", "collection_id": str(collection.pk), "limit": 1}
    member_client.post(SEARCH, body, format="json")
    assert collection.pk in cache._cache
    # What another worker would do: add a chunk and bump the stamp, never touching this process's cache.
    document = DocumentFactory(collection=collection, title="Facilities")
    ChunkFactory(document=document, ordinal=1, text="The office door is painted bright red.")
    collection_version_bump(organization_id=collection.organization_id, collection_id=collection.pk)

    results = member_client.post(SEARCH, body, format="json").json()["results"]

    assert results[0]["source"] == "Facilities §1"


def test_a_query_without_changes_reuses_the_cached_index(collection, member_client):
    body = {"question": "backups", "collection_id": str(collection.pk)}
    member_client.post(SEARCH, body, format="json")
    built = cache._cache[collection.pk]

    member_client.post(SEARCH, body, format="json")

    assert cache._cache[collection.pk] is built


def test_deleting_a_document_drops_it_from_search(collection, member_client):
    body = {"question": "signing key rotation", "collection_id": str(collection.pk)}
    document_id = member_client.post(SEARCH, body, format="json").json()["results"][0]["document_id"]

    member_client.delete(reverse("document-detail", args=[document_id]))
    after = member_client.post(SEARCH, body, format="json").json()

    assert after["results"] == []
    assert not Chunk.objects.in_collection(collection).exists()


# --- context_for ------------------------------------------------------------------------------------------


def test_context_for_gives_relevant_memories_then_chunks(collection, member):
    MemoryFactory(organization=member.organization, user=member.user, content="Our key rotation policy is ninety days")
    MemoryFactory(organization=member.organization, user=member.user, content="Lunch is at noon on Fridays")

    passages = context_for(
        actor=member.user,
        organization=member.organization,
        query="how often do we rotate keys",
        collection_ids=[collection.pk],
        limit=3,
    )

    assert passages[0] == Passage("memory", "Our key rotation policy is ninety days")
    assert "Lunch is at noon on Fridays" not in [p.text for p in passages]
    assert passages[1].source == "Ops guide §1"
    assert len(passages) == 3


def test_context_for_reads_every_collection_when_none_is_named(collection, member):
    passages = context_for(
        actor=member.user, organization=member.organization, query="nightly backups", collection_ids=None,
        include_memories=False, limit=1,
    )  # fmt: skip

    assert passages == [Passage("Ops guide §2", passages[0].text)]
    assert "nightly" in passages[0].text


def test_context_for_never_reads_another_organization_or_person(collection, member, member_of):
    other_member = member_of(Role.MEMBER)
    MemoryFactory(organization=member.organization, user=other_member.user, content="rotate keys every ninety days")
    foreign = CollectionFactory()

    with pytest.raises(ResourceNotFound):
        context_for(actor=member.user, organization=member.organization, query="x", collection_ids=[foreign.pk])
    with pytest.raises(ResourceNotFound):
        context_for(actor=member.user, organization=member.organization, query="x", collection_ids=[uuid.uuid4()])
    with pytest.raises(InsufficientPermissions):
        context_for(actor=member.user, organization=foreign.organization, query="x", collection_ids=None)
    mine = context_for(actor=member.user, organization=member.organization, query="rotate keys", collection_ids=[])

    assert mine == []  # another person's memory never joins the context, and no collection was named


def test_context_for_an_api_key_reads_collections_but_no_memories(collection, member):
    MemoryFactory(organization=member.organization, user=member.user, content="rotate keys")
    key, _ = api_key_with_secret(organization=member.organization, scopes=("chat",))
    from organizations.models import ApiKeyActor

    passages = context_for(
        actor=ApiKeyActor(key), organization=member.organization, query="rotate keys", collection_ids=None, limit=2
    )

    assert [p.source for p in passages]
    assert all(p.source != "memory" for p in passages)
