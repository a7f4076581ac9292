"""A document on a real Celery worker over Redis: the upload answers queued, the worker chunks and
embeds it, and a search in this process then finds it (the worker bumped the version stamp)."""

import time

import pytest

from chats.embeddings import embedder
from chats.models import Document
from chats.retrieval.index import collection_index, indexes_clear
from chats.retrieval.search import chunks_search
from chats.services.documents import document_upload
from organizations.roles import Role
from tests.chats.knowledge_factories import CollectionFactory
from tests.organizations.factories import MembershipFactory
from tests.processes import celery_worker_running

pytestmark = pytest.mark.integration
WAIT_SECONDS = 60.0


def test_a_document_is_processed_by_the_worker_and_search_sees_it(transactional_db, process_env, celery_queue):
    membership = MembershipFactory(role=Role.MEMBER)
    collection = CollectionFactory(organization=membership.organization)
    indexes_clear()
    collection_index(collection=collection, embedder=embedder())  # this process caches the empty index

    with celery_worker_running(process_env, queue=celery_queue):
        document = document_upload(
            actor=membership.user,
            organization=membership.organization,
            title="Runbook",
            data=b"# Backups\n\nThe database is copied to another region every night.",
            mime_type=Document.MimeType.MARKDOWN,
            collection=collection,
        )
        assert document.status == Document.Status.QUEUED
        deadline = time.monotonic() + WAIT_SECONDS
        while Document.objects.in_organization(membership.organization).get(pk=document.pk).status != "ready":
            assert time.monotonic() < deadline, "the worker did not process the document"
            time.sleep(0.2)

    collection.refresh_from_db()
    hits = chunks_search(collections=[collection], query="where are backups kept", limit=1)

    assert collection.version == 1
    assert [hit.source for hit in hits] == ["Runbook §1"]
