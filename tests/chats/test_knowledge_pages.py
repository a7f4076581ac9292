"""The knowledge page: documents with an upload and their status, the visitor's own memories;
viewers are refused, outsiders get 404, and another member's memories never show."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from chats.models import Document, Memory
from organizations.roles import Role
from tests.accounts.mfa import session_login
from tests.chats.knowledge_factories import DocumentFactory, MemoryFactory
from tests.chats.pdf import pdf_with_text
from tests.organizations.factories import MembershipFactory

pytestmark = pytest.mark.django_db
PAGE = reverse("knowledge-page")
UPLOAD = reverse("document-upload-page")
REMEMBER = reverse("memory-create-page")


@pytest.fixture
def browser(client, member):
    return session_login(client, member.user)


def test_the_page_lists_documents_and_only_the_visitors_memories(browser, member, member_of):
    document = DocumentFactory(collection__organization=member.organization, title="Runbook")
    MemoryFactory(organization=member.organization, user=member.user, content="I like short answers")
    MemoryFactory(organization=member.organization, user=member_of(Role.MEMBER).user, content="Someone else's")

    page = browser.get(PAGE)

    assert page.status_code == 200
    html = page.content.decode()
    assert "Runbook" in html
    assert document.collection.name in html
    assert "I like short answers" in html
    assert "Someone else&#x27;s" not in html
    assert "Someone else's" not in html


def test_a_pdf_uploaded_through_the_page_is_processed(browser, member, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("policy.pdf", pdf_with_text("Badges are renewed every year."), "application/pdf")

    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(UPLOAD, {"file": upload, "collection": ""})

    assert response.status_code == 302
    document = Document.objects.in_organization(member.organization).get()
    assert (document.title, document.status, document.collection.name) == ("policy.pdf", "ready", "General")
    status = browser.get(reverse("document-status-fragment", args=[document.pk])).content.decode()
    assert "Ready" in status
    assert "hx-trigger" not in status  # finished: the page stops asking


def test_a_pasted_text_needs_a_title_and_a_refused_file_is_shown(browser):
    untitled = browser.post(UPLOAD, {"text": "Some words"})
    refused = browser.post(UPLOAD, {"file": SimpleUploadedFile("a.png", b"\x89PNG", "image/png")})
    both = browser.post(UPLOAD, {"text": "x", "title": "t", "file": SimpleUploadedFile("a.txt", b"x", "text/plain")})

    assert untitled.status_code == 400
    assert refused.status_code == 400
    assert "not accepted" in refused.content.decode()
    assert both.status_code == 400
    assert not Document.objects.dangerously_unscoped().exists()


def test_a_queued_document_keeps_asking_for_its_status(browser, member):
    document = DocumentFactory(collection__organization=member.organization, status=Document.Status.QUEUED)

    fragment = browser.get(reverse("document-status-fragment", args=[document.pk])).content.decode()

    assert "every 2s" in fragment


def test_memories_are_kept_and_forgotten_through_the_page(browser, member):
    kept = browser.post(REMEMBER, {"content": "Deploys on Tuesdays", "memory_type": "fact", "importance_score": "0.7"})
    refused = browser.post(REMEMBER, {"content": "x", "memory_type": "fact", "importance_score": "3"})
    memory = Memory.objects.visible_to(member.user).get()

    forgotten = browser.post(reverse("memory-delete-page", args=[memory.pk]))

    assert (kept.status_code, refused.status_code, forgotten.status_code) == (302, 400, 302)
    assert memory.content == "Deploys on Tuesdays"
    assert not Memory.objects.visible_to(member.user).exists()


def test_a_viewer_gets_403_and_an_outsider_404(client, member, member_of):
    document = DocumentFactory(collection__organization=member.organization)
    memory = MemoryFactory(organization=member.organization, user=member.user)
    viewer = session_login(Client(), member_of(Role.VIEWER).user)
    outsider = session_login(Client(), MembershipFactory(role=Role.OWNER).user)

    assert viewer.get(PAGE).status_code == 403
    assert viewer.post(reverse("document-delete-page", args=[document.pk])).status_code == 403
    for url in (reverse("document-delete-page", args=[document.pk]), reverse("memory-delete-page", args=[memory.pk])):
        assert outsider.post(url).status_code == 404
    assert outsider.get(reverse("document-status-fragment", args=[document.pk])).status_code == 404
    assert Document.objects.in_organization(member.organization).exists()
    assert Memory.objects.visible_to(member.user).exists()


def test_someone_in_no_organization_is_told_where_knowledge_lives(client):
    from tests.accounts.factories import UserFactory

    page = session_login(client, UserFactory()).get(PAGE)

    assert page.status_code == 200
    assert "Knowledge lives in an organization" in page.content.decode()
