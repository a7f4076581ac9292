from core.exceptions import BastionError


class PromptBlocked(BastionError):
    status_code = 422
    error_code = "PROMPT_BLOCKED"
    default_detail = "The guardrails blocked this prompt."


class ChatArchived(BastionError):
    status_code = 422
    error_code = "CHAT_ARCHIVED"
    default_detail = "This chat is archived: restore it to continue the conversation."


class AnswerInProgress(BastionError):
    status_code = 409
    error_code = "ANSWER_IN_PROGRESS"
    default_detail = "Wait for the answer in progress on this socket before sending another message."


class AnswerInterrupted(BastionError):
    # nginx's "client closed request": the socket that asked left, and its answer stopped there.
    status_code = 499
    error_code = "ANSWER_INTERRUPTED"
    default_detail = "The answer stopped when the socket that asked for it closed; what was sent is kept as partial."


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


class QuotaExceeded(BastionError):
    status_code = 429
    error_code = "QUOTA_EXCEEDED"
    default_detail = "The organization's chat token allowance is used up."
