"""Celery tasks of the organization's knowledge: each takes an id and calls the service."""

from celery import shared_task
from django.db import InterfaceError, OperationalError


@shared_task(acks_late=True, autoretry_for=(OperationalError, InterfaceError), retry_backoff=True, max_retries=3)
def document_process_task(document_id: str) -> None:  # a UUID as text: task arguments stay JSON
    from chats.models import Document
    from chats.services.documents import document_process

    # A worker serves every organization: the id, sent by the service that authorized the upload, is the scope.
    document = Document.objects.dangerously_unscoped().filter(pk=document_id).first()
    if document is not None:  # deleted since it was queued
        document_process(document=document)
