"""`python manage.py knowledge_reembed [--all]`: after EMBEDDINGS_BACKEND changed or the static model
was rebuilt, embed again the documents and memories whose vectors came from another embedder."""

from django.core.management.base import BaseCommand

from chats.embeddings import embedder
from chats.models import Document, Memory
from chats.services.documents import documents_reembed
from chats.services.memories import memories_reembed


class Command(BaseCommand):
    help = "Embed again the documents and memories another embedder made (all of them with --all)."

    def add_arguments(self, parser) -> None:  # noqa: ANN001 -- Django's CommandParser
        parser.add_argument("--all", action="store_true", help="Every document and memory, whatever made it.")

    def handle(self, *args: str, **options: object) -> None:
        name = embedder().name
        # An operator's command over every organization, as a worker is.
        documents = Document.objects.dangerously_unscoped().exclude(status=Document.Status.FAILED)
        memories = Memory.objects.dangerously_unscoped()
        if not options["all"]:
            documents, memories = documents.exclude(embedder=name), memories.exclude(embedder=name)
        queued = documents_reembed(documents=documents)
        done = memories_reembed(memories=memories)
        self.stdout.write(f"{queued} document(s) queued and {done} memory(ies) embedded again with {name}.")
