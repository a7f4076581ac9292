"""Collections and their documents. An upload stores the document's text and queues its chunking and
embedding (`document_process`, in Celery); every change to a collection's chunks bumps its version
stamp, which tells every process's cached index (chats.retrieval.index) to rebuild."""

import logging
import time
from typing import TYPE_CHECKING, Any

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import F

from chats.embeddings import embedder
from chats.embeddings.vectors import vector_pack
from chats.models import Chunk, Collection, Document
from chats.providers.base import estimate_tokens
from chats.retrieval.chunking import chunk_text
from chats.retrieval.extract import document_text
from core.exceptions import PayloadTooLarge, ResourceNotFound
from core.validation import model_save, model_update
from organizations.access import organization_action_require
from organizations.models import Organization
from organizations.roles import Action

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from organizations.models import Actor

logger = logging.getLogger(__name__)
NAME_TAKEN = {"name": ["This organization already has a collection of that name."]}
# Chunks embedded per call: bounds the memory one batch of a large document takes.
EMBED_BATCH = 256


def _require(actor: "Actor", organization: Organization) -> None:
    organization_action_require(actor=actor, organization=organization, action=Action.CHAT_USE)


def collection_version_bump(*, organization_id: Any, collection_id: Any) -> None:
    # One UPDATE in SQL: two workers finishing documents of one collection at once both count.
    Collection.objects.in_organization(organization_id).filter(pk=collection_id).update(version=F("version") + 1)


@transaction.atomic
def collection_create(*, actor: "Actor", organization: Organization, name: str, description: str = "") -> Collection:
    _require(actor, organization)
    collection = Collection(organization=organization, name=name, description=description, created_by=_person(actor))
    model_save(collection, conflict=NAME_TAKEN)
    return collection


@transaction.atomic
def collection_update(*, actor: "Actor", collection: Collection, fields: dict[str, Any]) -> Collection:
    _require(actor, collection.organization)
    model_update(collection, fields=fields, editable=("name", "description"), conflict=NAME_TAKEN)
    return collection


@transaction.atomic
def collection_delete(*, actor: "Actor", collection: Collection) -> None:
    _require(actor, collection.organization)
    collection.delete()  # its documents and chunks go with it; a cached index of it is never asked for again


def collection_default(*, actor: "Actor", organization: Organization) -> Collection:
    """The organization's "General" collection, made on the first upload that names none."""
    _require(actor, organization)
    collection, _ = Collection.objects.in_organization(organization).get_or_create(
        name=Collection.DEFAULT_NAME,
        defaults={
            "organization": organization,
            "created_by": _person(actor),
            "description": "Uploads that name no collection.",
        },
    )
    return collection


def _person(actor: "Actor") -> Any:
    return None if getattr(actor, "is_api_key", False) else actor


def document_upload(
    *,
    actor: "Actor",
    organization: Organization,
    title: str,
    data: bytes,
    mime_type: str,
    collection: Collection | None = None,
    metadata: dict[str, Any] | None = None,
) -> Document:
    """Store an uploaded document (its bytes are read here: an unreadable file is refused at once) and
    queue its chunking and embedding. `collection` came through a selector of `organization`."""
    from chats.tasks.knowledge import document_process_task

    _require(actor, organization)
    if len(data) > settings.DOCUMENT_MAX_BYTES:
        raise PayloadTooLarge(f"A document may be at most {settings.DOCUMENT_MAX_BYTES} bytes.")
    if collection is not None and collection.organization_id != organization.pk:
        raise ResourceNotFound("Collection not found.")
    text = document_text(data=data, mime_type=mime_type)
    with transaction.atomic():
        collection = collection or collection_default(actor=actor, organization=organization)
        document = Document(
            organization=organization,
            collection=collection,
            title=title,
            mime_type=mime_type,
            size=len(data),
            content=text,
            metadata=metadata or {},
            created_by=_person(actor),
        )
        model_save(document, conflict={})
        transaction.on_commit(lambda: document_process_task.delay(str(document.pk)))
    # Without a broker the task has run at commit: the answer shows the processed document.
    document.refresh_from_db()
    return document


def document_process(*, document: Document) -> None:
    """Chunk and embed a queued document. A second delivery of the task finds it ready and does nothing."""
    claimed = Document.objects.in_organization(document.organization_id).filter(
        pk=document.pk, status__in=(Document.Status.QUEUED, Document.Status.FAILED)
    )
    if not claimed.update(status=Document.Status.PROCESSING):
        return
    started = time.perf_counter()
    try:
        chunks = chunk_text(document.content)[: settings.DOCUMENT_MAX_CHUNKS]
        model = embedder()
        batches = [model.embed(chunks[start : start + EMBED_BATCH]) for start in range(0, len(chunks), EMBED_BATCH)]
        vectors = np.concatenate(batches) if batches else np.zeros((0, model.dimensions), dtype=np.float32)
        rows = [
            Chunk(
                document=document,
                collection_id=document.collection_id,
                ordinal=ordinal,
                text=text,
                embedding=vector_pack(vector),
                token_count=estimate_tokens(text),
            )
            for ordinal, (text, vector) in enumerate(zip(chunks, vectors, strict=True), start=1)
        ]
        with transaction.atomic():
            Chunk.objects.in_collection(document.collection_id).filter(document=document).delete()
            Chunk.objects.bulk_create(rows, batch_size=500)
            Document.objects.in_organization(document.organization_id).filter(pk=document.pk).update(
                status=Document.Status.READY, chunk_count=len(rows), error="", embedder=model.name
            )
            collection_version_bump(organization_id=document.organization_id, collection_id=document.collection_id)
    except Exception:  # noqa: BLE001 -- any failure fails this document, not the worker; it may be queued again
        logger.exception("Document %s could not be processed", document.pk)
        Document.objects.in_organization(document.organization_id).filter(pk=document.pk).update(
            status=Document.Status.FAILED, error="The document could not be chunked and embedded."
        )
        return
    logger.info("Document %s: %d chunks in %.0f ms", document.pk, len(rows), (time.perf_counter() - started) * 1000)


def documents_reembed(*, documents: "QuerySet[Document]") -> int:
    """Queue the given documents to be chunked and embedded again (after the embedder changed); their
    old chunks serve searches until each is done. The number queued."""
    from chats.tasks.knowledge import document_process_task

    document_ids = list(documents.values_list("pk", flat=True))
    for document_id in document_ids:
        documents.filter(pk=document_id).update(status=Document.Status.QUEUED)
        document_process_task.delay(str(document_id))
    return len(document_ids)


@transaction.atomic
def document_delete(*, actor: "Actor", document: Document) -> None:
    _require(actor, document.organization)
    organization_id, collection_id = document.organization_id, document.collection_id
    document.delete()
    collection_version_bump(organization_id=organization_id, collection_id=collection_id)
