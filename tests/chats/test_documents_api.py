"""Collections and documents through the API: uploads of text, Markdown and PDF, chunked and embedded
in Celery (eagerly here), listed, read and deleted, each bump of a collection's chunks stamped."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from chats.models import Chunk, Collection, Document
from organizations.roles import Role
from tests.chats.knowledge_factories import CollectionFactory, DocumentFactory
from tests.chats.pdf import pdf_with_text
from tests.conftest import client_for
from tests.organizations.factories import MembershipFactory, api_key_with_secret

pytestmark = pytest.mark.django_db
COLLECTIONS = reverse("collection-list")
DOCUMENTS = reverse("document-list")
MARKDOWN = "# Keys\n\nRotate the signing key every ninety days.\n\n## Backups\n\nBackups run nightly at two."


def _collection(collection: Collection) -> str:
    return reverse("collection-detail", args=[collection.pk])


def _document(document: Document) -> str:
    return reverse("document-detail", args=[document.pk])


def test_a_json_upload_without_a_collection_lands_in_general_and_is_chunked(member, member_client, upload):
    body = {"title": "Runbook", "content": MARKDOWN, "mime_type": "text/markdown", "metadata": {"source": "manual"}}

    response = upload(member_client, body)

    assert response.status_code == 201, response.content
    assert response.json()["status"] == "queued"  # the worker runs after the commit the answer precedes
    answer = member_client.get(reverse("document-detail", args=[response.json()["id"]])).json()
    general = Collection.objects.in_organization(member.organization).get()
    assert general.name == "General"
    assert (answer["status"], answer["chunk_count"], answer["collection_id"]) == ("ready", 2, str(general.pk))
    assert answer["metadata"] == {"source": "manual"}
    assert answer["size"] == len(MARKDOWN.encode())
    chunks = list(Chunk.objects.in_collection(general).order_by("ordinal"))
    assert [chunk.text for chunk in chunks] == [
        "# Keys\nRotate the signing key every ninety days.",
        "## Backups\nBackups run nightly at two.",
    ]
    assert all(len(bytes(chunk.embedding)) == 2 * 256 for chunk in chunks)
    assert general.version == 1


def test_a_second_upload_reuses_general(member, member_client, upload):
    for title in ("one", "two"):
        assert upload(member_client, {"title": title, "content": "text"}).status_code == 201

    assert Collection.objects.in_organization(member.organization).count() == 1


def test_files_of_each_type_are_read(member, member_client, upload):
    collection = CollectionFactory(organization=member.organization)
    files = [
        SimpleUploadedFile("notes.txt", b"Plain words about backups.", content_type="text/plain"),
        SimpleUploadedFile("guide.md", MARKDOWN.encode(), content_type="application/octet-stream"),
        SimpleUploadedFile("policy.pdf", pdf_with_text("Rotate the signing key every ninety days."), "application/pdf"),
    ]
    for file in files:
        response = upload(member_client, {"file": file, "collection_id": str(collection.pk)}, format="multipart")
        assert response.status_code == 201, response.content

    documents = Document.objects.in_organization(member.organization)
    assert {d.title: (d.mime_type, d.status) for d in documents} == {
        "notes.txt": ("text/plain", "ready"),
        "guide.md": ("text/markdown", "ready"),
        "policy.pdf": ("application/pdf", "ready"),
    }
    pdf = Document.objects.in_organization(member.organization).get(title="policy.pdf")
    assert "ninety days" in pdf.chunks.get().text


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (SimpleUploadedFile("image.png", b"\x89PNG....", content_type="image/png"), "DOCUMENT_TYPE_REFUSED"),
        (SimpleUploadedFile("blob", b"something", content_type="application/octet-stream"), "DOCUMENT_TYPE_REFUSED"),
        (
            SimpleUploadedFile("broken.pdf", b"%PDF-1.4 not really", content_type="application/pdf"),
            "DOCUMENT_UNREADABLE",
        ),
        (
            SimpleUploadedFile("latin.txt", "caf\xe9".encode("latin-1"), content_type="text/plain"),
            "DOCUMENT_UNREADABLE",
        ),
        (SimpleUploadedFile("empty.pdf", pdf_with_text(), content_type="application/pdf"), "DOCUMENT_UNREADABLE"),
    ],
)
def test_unreadable_or_refused_files_are_a_clear_422(member, member_client, upload, code):
    response = member_client.post(DOCUMENTS, {"file": upload}, format="multipart")

    assert response.status_code == 422, response.content
    assert response.json()["error_code"] == code
    assert not Document.objects.dangerously_unscoped().exists()


def test_a_file_over_the_document_limit_is_a_413(member_client):
    with override_settings(DOCUMENT_MAX_BYTES=100):
        response = member_client.post(
            DOCUMENTS, {"file": SimpleUploadedFile("big.txt", b"x" * 101, "text/plain")}, format="multipart"
        )

    assert response.status_code == 413
    assert response.json()["error_code"] == "PAYLOAD_TOO_LARGE"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"title": "t"},
        {"content": "c"},
        {"title": 1, "content": "c"},
        {"title": "t", "content": ["c"]},
        {"title": "t", "content": "c", "mime_type": "application/pdf"},
        {"title": "t", "content": "c", "mime_type": "image/png"},
        {"title": "t", "content": "c", "collection_id": "nope"},
        {"title": "t", "content": "c", "metadata": "x"},
        {"title": "x" * 301, "content": "c"},
    ],
)
def test_bad_json_uploads_are_refused(member_client, body):
    response = member_client.post(DOCUMENTS, body, format="json")

    assert response.status_code == 422, response.content
    assert not Document.objects.dangerously_unscoped().exists()


def test_another_organizations_collection_in_the_body_or_query_is_a_404(member, member_client):
    theirs = CollectionFactory()

    uploaded = member_client.post(
        DOCUMENTS, {"title": "t", "content": "c", "collection_id": str(theirs.pk)}, format="json"
    )
    listed = member_client.get(DOCUMENTS, {"collection_id": str(theirs.pk)})

    assert (uploaded.status_code, listed.status_code) == (404, 404)
    assert not Document.objects.dangerously_unscoped().exists()


def test_documents_list_filter_and_page(member, member_client):
    first = CollectionFactory(organization=member.organization)
    second = CollectionFactory(organization=member.organization)
    DocumentFactory.create_batch(2, collection=first)
    DocumentFactory(collection=second, status=Document.Status.FAILED)
    DocumentFactory()  # another organization's

    everything = member_client.get(DOCUMENTS).json()
    in_first = member_client.get(DOCUMENTS, {"collection_id": str(first.pk)}).json()
    failed = member_client.get(DOCUMENTS, {"status": "failed"}).json()

    assert everything["total"] == 3
    assert in_first["total"] == 2
    assert failed["total"] == 1
    assert member_client.get(DOCUMENTS, {"status": "odd"}).status_code == 422


def test_deleting_a_document_removes_its_chunks_and_bumps_the_version(member, member_client, upload):
    created = upload(member_client, {"title": "t", "content": MARKDOWN}).json()
    document = Document.objects.in_organization(member.organization).get(pk=created["id"])
    version = document.collection.version
    assert Chunk.objects.in_collection(document.collection_id).count() == 2

    response = member_client.delete(_document(document))

    assert response.status_code == 204
    assert not Chunk.objects.in_collection(document.collection_id).exists()
    document.collection.refresh_from_db()
    assert document.collection.version == version + 1


def test_a_document_reads_back(member, member_client):
    document = DocumentFactory(collection__organization=member.organization)

    answer = member_client.get(_document(document)).json()

    assert answer["id"] == str(document.pk)
    assert (answer["status"], answer["chunk_count"]) == ("ready", 1)


def test_outsiders_and_other_keys_get_404_for_documents_and_collections(member):
    document = DocumentFactory(collection__organization=member.organization)
    outsider = client_for(MembershipFactory(role=Role.OWNER).user)

    for url in (_document(document), _collection(document.collection)):
        assert outsider.get(url).status_code == 404
        assert outsider.delete(url).status_code == 404
    assert outsider.get(DOCUMENTS).json()["items"] == []
    assert Document.objects.in_organization(member.organization).exists()


def test_an_api_key_with_chat_scope_uploads_to_its_organization(organization):
    _, raw_key = api_key_with_secret(organization=organization, scopes=("chat",))
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=raw_key)

    response = client.post(DOCUMENTS, {"title": "From CI", "content": "Release notes."}, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["organization_id"] == str(organization.pk)


def test_a_read_only_key_may_not_upload(organization):
    _, raw_key = api_key_with_secret(organization=organization, scopes=("read",))
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=raw_key)
    body = {"title": "t", "content": "c", "organization_id": str(organization.pk)}

    assert client.post(DOCUMENTS, body, format="json").status_code == 403


def test_collections_crud(member, member_client):
    created = member_client.post(COLLECTIONS, {"name": "Policies", "description": "Security"}, format="json")
    assert created.status_code == 201, created.content
    collection = Collection.objects.in_organization(member.organization).get()
    url = _collection(collection)

    duplicate = member_client.post(COLLECTIONS, {"name": "Policies"}, format="json")
    renamed = member_client.patch(url, {"name": "Rules"}, format="json")
    listed = member_client.get(COLLECTIONS).json()

    assert duplicate.status_code == 422
    assert duplicate.json()["error_code"] == "ALREADY_EXISTS"
    assert renamed.json()["name"] == "Rules"
    assert [item["name"] for item in listed["items"]] == ["Rules"]
    assert listed["items"][0]["document_count"] == 0
    assert member_client.patch(url, {}, format="json").status_code == 422
    assert member_client.patch(url, {"name": 3}, format="json").status_code == 422
    assert member_client.delete(url).status_code == 204
    assert not Collection.objects.in_organization(member.organization).exists()


def test_a_viewer_reads_nothing_and_writes_nothing(member_of, organization):
    collection = CollectionFactory(organization=organization)
    viewer = client_for(member_of(Role.VIEWER).user)

    assert viewer.get(_collection(collection)).status_code == 403
    assert (
        viewer.post(COLLECTIONS, {"name": "x", "organization_id": str(organization.pk)}, format="json").status_code
        == 403
    )
    assert viewer.get(COLLECTIONS).json()["items"] == []


def test_a_failed_processing_is_stored_not_raised(member, member_client, monkeypatch, upload):
    from chats.services import documents

    def broken(texts):
        raise RuntimeError("embedder down")

    monkeypatch.setattr(
        documents, "embedder", lambda: type("E", (), {"embed": staticmethod(broken), "dimensions": 4})()
    )

    response = upload(member_client, {"title": "t", "content": "words"})

    assert response.status_code == 201
    document = Document.objects.in_organization(member.organization).get()
    assert (document.status, document.error) == (
        "failed",
        "The document could not be chunked and embedded.",
    )


def _expired_client(user) -> APIClient:
    import time

    import jwt
    from django.conf import settings

    now = int(time.time())
    claims = {"token_type": "access", "sub": str(user.pk), "jti": "e" * 32, "iat": now - 600, "exp": now - 5}
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {jwt.encode(claims, settings.SIMPLE_JWT['SIGNING_KEY'])}")
    return client


def test_an_expired_token_reaches_no_knowledge_route(member):
    document = DocumentFactory(collection__organization=member.organization)
    client = _expired_client(member.user)
    calls = [
        ("get", COLLECTIONS),
        ("post", COLLECTIONS),
        ("get", _collection(document.collection)),
        ("delete", _collection(document.collection)),
        ("get", DOCUMENTS),
        ("post", DOCUMENTS),
        ("get", _document(document)),
        ("delete", _document(document)),
        ("post", reverse("search")),
        ("post", "/api/search"),
    ]

    for method, url in calls:
        response = getattr(client, method)(url, {}, format="json")
        assert response.status_code == 401, (method, url)
        assert response.json()["error_code"] == "TOKEN_EXPIRED"
    assert Document.objects.in_organization(member.organization).exists()
