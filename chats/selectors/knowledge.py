"""Reads of the organization's knowledge, each starting from what the actor may see."""

from typing import TYPE_CHECKING
from uuid import UUID

from django.db.models import Count, QuerySet

from chats.models import Collection, Document, Memory
from core.exceptions import ResourceNotFound

if TYPE_CHECKING:
    from organizations.models import Actor


def memory_list(*, actor: "Actor") -> QuerySet[Memory]:
    return Memory.objects.visible_to(actor).select_related("organization")


def memory_get(*, actor: "Actor", memory_id: UUID) -> Memory:
    try:
        return memory_list(actor=actor).get(pk=memory_id)
    except Memory.DoesNotExist:
        raise ResourceNotFound("Memory not found.") from None


def collection_list(*, actor: "Actor") -> QuerySet[Collection]:
    return (
        Collection.objects.visible_to(actor).select_related("organization").annotate(document_count=Count("documents"))
    )


def collection_get(*, actor: "Actor", collection_id: UUID) -> Collection:
    try:
        return collection_list(actor=actor).get(pk=collection_id)
    except Collection.DoesNotExist:
        raise ResourceNotFound("Collection not found.") from None


def document_list(*, actor: "Actor") -> QuerySet[Document]:
    return Document.objects.visible_to(actor).select_related("organization", "collection")


def document_get(*, actor: "Actor", document_id: UUID) -> Document:
    try:
        return document_list(actor=actor).get(pk=document_id)
    except Document.DoesNotExist:
        raise ResourceNotFound("Document not found.") from None
