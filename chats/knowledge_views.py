"""Dashboard pages of the organization's knowledge: its documents with an upload (whose progress
the page shows) and the visitor's own memories. They read through the API's selectors and write
through its services, so a page allows and refuses exactly what the API does."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from chats.knowledge_forms import DocumentUploadForm, MemoryForm
from chats.models import Document
from chats.retrieval.extract import upload_mime_type
from chats.selectors import knowledge as selectors
from chats.services import documents as document_services
from chats.services import memories as memory_services
from core.exceptions import BastionError
from core.pages import form_errors_add
from organizations.context_processors import current_organization_get
from organizations.pages import OrganizationAccess, found, organization_access
from organizations.roles import Action

SHOWN = 50
IN_PROGRESS = (Document.Status.QUEUED, Document.Status.PROCESSING)


def _access(request: HttpRequest) -> OrganizationAccess | None:
    organization = current_organization_get(request)
    return organization and organization_access(request, organization.pk, Action.CHAT_USE)


def _render(
    request: HttpRequest,
    access: OrganizationAccess,
    *,
    upload_form: DocumentUploadForm | None = None,
    memory_form: MemoryForm | None = None,
) -> HttpResponse:
    organization, actor = access.organization, request.user
    collections = list(selectors.collection_list(actor=actor).filter(organization=organization))
    chosen = next((c for c in collections if str(c.pk) == request.GET.get("collection")), None)
    documents = selectors.document_list(actor=actor).filter(organization=organization)
    if chosen is not None:
        documents = documents.filter(collection=chosen)
    context = {
        "organization": organization,
        "collections": collections,
        "collection": chosen,
        "documents": documents[:SHOWN],
        "memories": selectors.memory_list(actor=actor).filter(organization=organization)[:SHOWN],
        "upload_form": upload_form or DocumentUploadForm(collections=collections),
        "memory_form": memory_form or MemoryForm(),
        "in_progress": IN_PROGRESS,
    }
    refused = bool((upload_form and upload_form.errors) or (memory_form and memory_form.errors))
    return render(request, "chats/knowledge.html", context, status=400 if refused else 200)


@login_required
def knowledge_page(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    if access is None:
        return render(request, "chats/knowledge.html", {"organization": None})
    return _render(request, access)


@login_required
@require_POST
def document_upload_page(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    if access is None:
        return redirect("knowledge-page")
    collections = list(selectors.collection_list(actor=request.user).filter(organization=access.organization))
    form = DocumentUploadForm(request.POST, request.FILES, collections=collections)
    if form.is_valid():
        data = form.cleaned_data
        collection = next((c for c in collections if str(c.pk) == data["collection"]), None)
        try:
            if data["file"]:
                upload = data["file"]
                mime_type = upload_mime_type(declared=None, content_type=upload.content_type, filename=upload.name)
                title, content = data["title"] or upload.name[:300], upload.read()
            else:
                mime_type, title, content = Document.MimeType.MARKDOWN, data["title"], data["text"].encode()
            document = document_services.document_upload(
                actor=request.user,
                organization=access.organization,
                title=title,
                data=content,
                mime_type=mime_type,
                collection=collection,
            )
        except BastionError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, f"{document.title} was uploaded: it is searchable once it shows Ready.")
            if request.headers.get("X-Requested-With") == "XMLHttpRequest":
                # The page's script sent it to show progress: it goes to the page itself, so the message
                # above is read there and not by a redirect the script would follow unseen.
                return HttpResponse(status=204, headers={"X-Redirect": reverse("knowledge-page")})
            return redirect("knowledge-page")
    return _render(request, access, upload_form=form)


@login_required
@require_POST
def document_delete_page(request: HttpRequest, document_id: UUID) -> HttpResponse:
    document = found(selectors.document_get, actor=request.user, document_id=document_id)
    organization_access(request, document.organization_id, Action.CHAT_USE)
    document_services.document_delete(actor=request.user, document=document)
    messages.success(request, f"{document.title} was deleted.")
    return redirect("knowledge-page")


@login_required
def document_status_fragment(request: HttpRequest, document_id: UUID) -> HttpResponse:
    """What the page polls while a document is queued or processing; the answer after that stops asking."""
    document = found(selectors.document_get, actor=request.user, document_id=document_id)
    organization_access(request, document.organization_id, Action.CHAT_USE)
    return render(request, "chats/_document_status.html", {"document": document, "in_progress": IN_PROGRESS})


@login_required
@require_POST
def memory_create_page(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    if access is None:
        return redirect("knowledge-page")
    form = MemoryForm(request.POST)
    if form.is_valid():
        try:
            memory_services.memory_create(actor=request.user, organization=access.organization, **form.cleaned_data)
        except BastionError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, "Remembered.")
            return redirect("knowledge-page")
    return _render(request, access, memory_form=form)


@login_required
@require_POST
def memory_delete_page(request: HttpRequest, memory_id: UUID) -> HttpResponse:
    memory = found(selectors.memory_get, actor=request.user, memory_id=memory_id)
    organization_access(request, memory.organization_id, Action.CHAT_USE)
    memory_services.memory_delete(actor=request.user, memory=memory)
    messages.success(request, "Forgotten.")
    return redirect("knowledge-page")
