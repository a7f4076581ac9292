"""The demo organization's knowledge: a handbook collection of a few short policies, so that a first
search, and the offline provider's first grounded answer, have something to cite."""

from pathlib import Path
from typing import Any

from chats.models import Document
from chats.selectors.knowledge import collection_list, document_list
from chats.services.documents import collection_create, document_upload

DOCUMENTS = Path(__file__).resolve().parent / "demo_data"
HANDBOOK = "Handbook"


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
    return [f"  Documents:    {count} in the {HANDBOOK} collection: POST /api/v1/search with its id {collection.pk}"]
