"""The chats app's Celery tasks, one module per concern; Celery's autodiscovery imports this package."""

from chats.tasks.knowledge import document_process_task

__all__ = ["document_process_task"]
