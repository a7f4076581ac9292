"""The chats app's Celery tasks, one module per concern; Celery's autodiscovery imports this package."""

from chats.tasks.knowledge import document_process_task
from chats.tasks.titles import chat_title_generate_task

__all__ = ["chat_title_generate_task", "document_process_task"]
