"""The demo organization's knowledge and a first chat: a handbook collection of a few short policies,
so that a first search, and the offline provider's first grounded answer, have something to cite; a
system prompt in the organization's library; and a chat that asked the handbook a question."""

from pathlib import Path
from typing import Any

from asgiref.sync import async_to_sync
from django.db import transaction

from chats.models import Document, SystemPrompt
from chats.selectors.chats import chat_list
from chats.selectors.knowledge import collection_list, document_list
from chats.services.chats import chat_create, system_prompt_create
from chats.services.completions import completion_prepare, completion_run
from chats.services.documents import collection_create, document_upload

DOCUMENTS = Path(__file__).resolve().parent / "demo_data"
HANDBOOK = "Handbook"
DEMO_PROMPT_NAME = "Security reviewer"
DEMO_PROMPT = (
    "You review code, prompts and runbooks for security problems. Answer briefly, cite the documents you were "
    "given, and never repeat a secret."
)
DEMO_QUESTION = "How often are the signing keys rotated, and who does it?"


def demo_seed(*, seeded: dict[str, Any]) -> list[str]:
    """The handbook, uploaded once by `seeded["user"]` through the same services as the API."""
    user, organization = seeded["user"], seeded["organization"]
    collection = collection_list(actor=user).filter(organization=organization, name=HANDBOOK).first()
    if collection is None:
        collection = collection_create(
            actor=user, organization=organization, name=HANDBOOK, description="Demo policies to search and cite."
        )
        for path in sorted(DOCUMENTS.glob("*.md")):
            title = path.read_text().splitlines()[0].lstrip("# ").strip()
            document_upload(
                actor=user,
                organization=organization,
                title=title,
                data=path.read_bytes(),
                mime_type=Document.MimeType.MARKDOWN,
                collection=collection,
            )
    count = document_list(actor=user).filter(collection=collection).count()
    chat = _demo_chat(user, organization, collection)
    return [
        f"  Documents:    {count} in the {HANDBOOK} collection: POST /api/v1/search with its id {collection.pk}",
        f"  Chat:         {chat.title} (offline model, grounded in the handbook): "
        f"{seeded['server_url']}/chats/{chat.pk}/",
    ]


def _demo_chat(user: Any, organization: Any, collection: Any) -> Any:
    """A chat with the library's system prompt that asked the handbook a question, through the gateway."""
    prompt = SystemPrompt.objects.in_organization(organization).filter(name=DEMO_PROMPT_NAME).first()
    if prompt is None:
        prompt = system_prompt_create(actor=user, organization=organization, name=DEMO_PROMPT_NAME, content=DEMO_PROMPT)
    chat = chat_list(actor=user).filter(organization=organization).first()
    if chat is None:
        chat = chat_create(actor=user, organization=organization, title="Key rotation", system_prompt_id=prompt.pk)
        # After the commit, behind the documents' own tasks, so the answer finds them chunked and embedded.
        transaction.on_commit(lambda: _ask(user, organization, chat, collection))
    return chat


def _ask(user: Any, organization: Any, chat: Any, collection: Any) -> None:
    prepared = completion_prepare(
        actor=user,
        organization=organization,
        chat=chat,
        messages=[{"role": "user", "content": DEMO_QUESTION}],
        collection_ids=[collection.pk],
    )
    async_to_sync(completion_run)(prepared)
