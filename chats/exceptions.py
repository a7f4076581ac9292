from core.exceptions import BastionError


class DocumentTypeRefused(BastionError):
    status_code = 422
    error_code = "DOCUMENT_TYPE_REFUSED"
    default_detail = "Upload plain text, Markdown or PDF."


class DocumentUnreadable(BastionError):
    """The file is of a type Bastion reads, but its bytes are not: a broken or encrypted PDF, text not in UTF-8."""

    status_code = 422
    error_code = "DOCUMENT_UNREADABLE"
    default_detail = "The document could not be read."


class MemoryNeedsPerson(BastionError):
    """Memories belong to a person; an API key acts for an organization and has none."""

    status_code = 403
    error_code = "INSUFFICIENT_PERMISSIONS"
    default_detail = "Memories belong to a person: sign in as one to keep or read them."
