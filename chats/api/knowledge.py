"""Memories, collections, documents and RAG search: thin views over chats.services and chats.retrieval."""

from uuid import UUID

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from chats.api import knowledge_serializers as io
from chats.exceptions import DocumentTypeRefused, DocumentUnreadable, MemoryNeedsPerson
from chats.retrieval import collection_search
from chats.retrieval.extract import upload_mime_type
from chats.retrieval.search import memories_rank
from chats.selectors import knowledge as selectors
from chats.services import documents as document_services
from chats.services import memories as memory_services
from config.api.pagination import SkipLimitPagination
from config.api.parsers import JSONBodyParser
from core.exceptions import AlreadyExists, PayloadTooLarge
from organizations.api.base import TenantAPIView, in_body, in_query, in_url
from organizations.roles import Action

MEMORY_TAGS = ["memories"]
DOCUMENT_TAGS = ["documents"]
SEARCH_TAGS = ["search"]
USE = Action.CHAT_USE
# Lists name their organization in the query (all where the actor may act, when left out); writes in the body.
LIST_SOURCES = {"GET": in_query("organization_id"), "POST": in_body("organization_id", sole_default=True)}
ORGANIZATION_FILTER = OpenApiParameter("organization_id", UUID, description="Only this organization's.")


class OffsetOrSkipPagination(SkipLimitPagination):
    """Seed 003 pages with `offset`; Bastion's `skip` wins when a client sends both."""

    def get_offset(self, request: Request) -> int:
        if self.offset_query_param not in request.query_params and "offset" in request.query_params:
            return self._bounded(request, "offset", default=0, minimum=0, maximum=None)
        return super().get_offset(request)


def _organization_body(data: dict) -> dict:
    # The door has found and checked the organization (self.organization).
    return {name: value for name, value in data.items() if name != "organization_id"}


# --- Memories -------------------------------------------------------------------------------------------


class MemoryListView(TenantAPIView, generics.ListAPIView):
    required_actions = {"GET": USE, "POST": USE}
    organization_from = LIST_SOURCES
    serializer_class = io.MemoryOutputSerializer
    pagination_class = OffsetOrSkipPagination
    domain_errors = {"POST": (MemoryNeedsPerson,)}

    def get_queryset(self):  # noqa: ANN201 -- DRF's hook
        memories = selectors.memory_list(actor=self.request.user).filter(**self.query(io.MemoryListQuerySerializer))
        return self.narrowed(memories, organization_path="organization")

    @extend_schema(
        summary="Your memories, newest first",
        parameters=[ORGANIZATION_FILTER, io.MemoryListQuerySerializer],
        tags=MEMORY_TAGS,
    )
    def get(self, request: Request) -> Response:
        return super().get(request)

    @extend_schema(
        summary="Remember something (private to you)",
        request=io.MemoryInputSerializer,
        responses={201: io.MemoryOutputSerializer},
        tags=MEMORY_TAGS,
    )
    def post(self, request: Request) -> Response:
        given = io.MemoryInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        memory = memory_services.memory_create(
            actor=request.user, organization=self.organization, **_organization_body(given.validated_data)
        )
        return Response(io.MemoryOutputSerializer(memory).data, status=status.HTTP_201_CREATED)


class MemoryDetailView(TenantAPIView):
    required_actions = {"GET": USE, "PATCH": USE, "DELETE": USE}
    organization_from = in_url("memory_id", via=selectors.memory_get)

    @extend_schema(summary="A memory of yours", responses={200: io.MemoryOutputSerializer}, tags=MEMORY_TAGS)
    def get(self, request: Request, memory_id: UUID) -> Response:
        return Response(io.MemoryOutputSerializer(self.tenant_object).data)

    @extend_schema(
        summary="Change a memory",
        request=io.MemoryUpdateSerializer,
        responses={200: io.MemoryOutputSerializer},
        tags=MEMORY_TAGS,
    )
    def patch(self, request: Request, memory_id: UUID) -> Response:
        given = io.MemoryUpdateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        memory = memory_services.memory_update(
            actor=request.user, memory=self.tenant_object, fields=given.validated_data
        )
        return Response(io.MemoryOutputSerializer(memory).data)

    @extend_schema(summary="Forget a memory", responses={204: None}, tags=MEMORY_TAGS)
    def delete(self, request: Request, memory_id: UUID) -> Response:
        memory_services.memory_delete(actor=request.user, memory=self.tenant_object)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MemorySearchView(TenantAPIView):
    required_actions = {"POST": USE}
    organization_from = in_body("organization_id", sole_default=True)

    @extend_schema(
        summary="Your memories ranked by meaning, blended with importance",
        request=io.MemorySearchInputSerializer,
        responses={200: io.MemorySearchOutputSerializer},
        tags=MEMORY_TAGS,
    )
    def post(self, request: Request) -> Response:
        given = io.MemorySearchInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        memories = selectors.memory_list(actor=request.user).in_organization(self.organization)
        if "memory_type" in data:
            memories = memories.filter(memory_type=data["memory_type"])
        hits = memories_rank(memories=memories, query=data["query"], limit=data["limit"])
        items = [
            {**io.MemoryOutputSerializer(hit.memory).data, "score": hit.score, "similarity": hit.similarity}
            for hit in hits
        ]
        return Response(io.MemorySearchOutputSerializer({"query": data["query"], "items": items}).data)


# --- Collections ----------------------------------------------------------------------------------------


class CollectionListView(TenantAPIView, generics.ListAPIView):
    required_actions = {"GET": USE, "POST": USE}
    organization_from = LIST_SOURCES
    serializer_class = io.CollectionOutputSerializer
    pagination_class = OffsetOrSkipPagination
    domain_errors = {"POST": (AlreadyExists,)}

    def get_queryset(self):  # noqa: ANN201 -- DRF's hook
        return self.narrowed(selectors.collection_list(actor=self.request.user), organization_path="organization")

    @extend_schema(
        summary="Document collections in your organizations", parameters=[ORGANIZATION_FILTER], tags=DOCUMENT_TAGS
    )
    def get(self, request: Request) -> Response:
        return super().get(request)

    @extend_schema(
        summary="Create a collection",
        request=io.CollectionInputSerializer,
        responses={201: io.CollectionOutputSerializer},
        tags=DOCUMENT_TAGS,
    )
    def post(self, request: Request) -> Response:
        given = io.CollectionInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        collection = document_services.collection_create(
            actor=request.user, organization=self.organization, **_organization_body(given.validated_data)
        )
        return Response(io.CollectionOutputSerializer(collection).data, status=status.HTTP_201_CREATED)


class CollectionDetailView(TenantAPIView):
    required_actions = {"GET": USE, "PATCH": USE, "DELETE": USE}
    organization_from = in_url("collection_id", via=selectors.collection_get)
    domain_errors = {"PATCH": (AlreadyExists,)}

    @extend_schema(summary="A collection", responses={200: io.CollectionOutputSerializer}, tags=DOCUMENT_TAGS)
    def get(self, request: Request, collection_id: UUID) -> Response:
        return Response(io.CollectionOutputSerializer(self.tenant_object).data)

    @extend_schema(
        summary="Rename or describe a collection",
        request=io.CollectionUpdateSerializer,
        responses={200: io.CollectionOutputSerializer},
        tags=DOCUMENT_TAGS,
    )
    def patch(self, request: Request, collection_id: UUID) -> Response:
        given = io.CollectionUpdateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        collection = document_services.collection_update(
            actor=request.user, collection=self.tenant_object, fields=given.validated_data
        )
        return Response(io.CollectionOutputSerializer(collection).data)

    @extend_schema(summary="Delete a collection with its documents", responses={204: None}, tags=DOCUMENT_TAGS)
    def delete(self, request: Request, collection_id: UUID) -> Response:
        document_services.collection_delete(actor=request.user, collection=self.tenant_object)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Documents ------------------------------------------------------------------------------------------


class DocumentListView(TenantAPIView, generics.ListAPIView):
    required_actions = {"GET": USE, "POST": USE}
    organization_from = LIST_SOURCES
    serializer_class = io.DocumentOutputSerializer
    pagination_class = OffsetOrSkipPagination
    parser_classes = [JSONBodyParser, MultiPartParser]
    domain_errors = {"POST": (DocumentTypeRefused, DocumentUnreadable, PayloadTooLarge)}

    def get_queryset(self):  # noqa: ANN201 -- DRF's hook
        filters = self.query(io.DocumentListQuerySerializer)
        documents = selectors.document_list(actor=self.request.user)
        if "collection_id" in filters:
            # Another organization's collection is a 404, as its own URL would be, not an empty list.
            filters["collection"] = selectors.collection_get(
                actor=self.request.user, collection_id=filters.pop("collection_id")
            )
        return self.narrowed(documents.filter(**filters), organization_path="organization")

    @extend_schema(
        summary="Documents in your organizations, newest first",
        parameters=[ORGANIZATION_FILTER, io.DocumentListQuerySerializer],
        tags=DOCUMENT_TAGS,
    )
    def get(self, request: Request) -> Response:
        return super().get(request)

    @extend_schema(
        summary="Upload a document (JSON text, or a multipart text, Markdown or PDF file)",
        description="Chunked and embedded in the background: `status` goes from `queued` to `ready` (or `failed`).",
        request={"application/json": io.DocumentInputSerializer, "multipart/form-data": io.DocumentFileInputSerializer},
        responses={201: io.DocumentOutputSerializer},
        tags=DOCUMENT_TAGS,
    )
    def post(self, request: Request) -> Response:
        if request.content_type.startswith("multipart/"):
            upload = self._from_file(request)
        else:
            given = io.DocumentInputSerializer(data=request.data)
            given.is_valid(raise_exception=True)
            upload = _organization_body(given.validated_data)
            upload["data"] = upload.pop("content").encode("utf-8")
        collection_id = upload.pop("collection_id", None)
        if collection_id is not None:
            upload["collection"] = selectors.collection_get(actor=request.user, collection_id=collection_id)
        document = document_services.document_upload(actor=request.user, organization=self.organization, **upload)
        return Response(io.DocumentOutputSerializer(document).data, status=status.HTTP_201_CREATED)

    @staticmethod
    def _from_file(request: Request) -> dict:
        given = io.DocumentFileInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = _organization_body(given.validated_data)
        file = data.pop("file")
        if file.size > document_services.settings.DOCUMENT_MAX_BYTES:
            raise PayloadTooLarge(f"A document may be at most {document_services.settings.DOCUMENT_MAX_BYTES} bytes.")
        mime_type = upload_mime_type(
            declared=data.pop("mime_type", None), content_type=file.content_type, filename=file.name
        )
        return {**data, "title": data.get("title") or file.name[:300], "mime_type": mime_type, "data": file.read()}


class DocumentDetailView(TenantAPIView):
    required_actions = {"GET": USE, "DELETE": USE}
    organization_from = in_url("document_id", via=selectors.document_get)

    @extend_schema(
        summary="A document and its processing status", responses={200: io.DocumentOutputSerializer}, tags=DOCUMENT_TAGS
    )
    def get(self, request: Request, document_id: UUID) -> Response:
        return Response(io.DocumentOutputSerializer(self.tenant_object).data)

    @extend_schema(summary="Delete a document and its chunks", responses={204: None}, tags=DOCUMENT_TAGS)
    def delete(self, request: Request, document_id: UUID) -> Response:
        document_services.document_delete(actor=request.user, document=self.tenant_object)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Search ---------------------------------------------------------------------------------------------


class SearchView(TenantAPIView):
    required_actions = {"POST": USE}
    organization_from = in_body("collection_id", via=selectors.collection_get)

    @extend_schema(
        summary="Ask a collection: ranked chunks and an answer quoted from them, with citations",
        request=io.SearchInputSerializer,
        responses={200: io.SearchOutputSerializer},
        tags=SEARCH_TAGS,
    )
    def post(self, request: Request) -> Response:
        given = io.SearchInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        found = collection_search(
            actor=request.user, collection=self.tenant_object, question=data["question"], limit=data["limit"]
        )
        return Response(io.SearchOutputSerializer(search_answer(data["question"], self.tenant_object.pk, found)).data)


def search_answer(question: str, collection_id: UUID, found: object) -> dict:
    results = [
        {
            "rank": rank,
            "chunk_id": hit.chunk.pk,
            "document_id": hit.chunk.document_id,
            "title": hit.chunk.document.title,
            "ordinal": hit.chunk.ordinal,
            "source": hit.source,
            "text": hit.chunk.text,
            "score": hit.score,
            "dense_score": hit.dense,
            "lexical_score": hit.lexical,
        }
        for rank, hit in enumerate(found.hits, start=1)
    ]
    citations = [
        {"index": r["rank"], "source": r["source"], "document_id": r["document_id"], "chunk_id": r["chunk_id"]}
        for r in results[:3]
    ]
    return {
        "question": question,
        "collection_id": collection_id,
        "answer": found.answer,
        "citations": citations,
        "results": results,
        "took_ms": found.took_ms,
    }
