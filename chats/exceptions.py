from core.exceptions import BastionError


class PromptBlocked(BastionError):
    status_code = 422
    error_code = "PROMPT_BLOCKED"
    default_detail = "The guardrails blocked this prompt."


class ChatArchived(BastionError):
    status_code = 422
    error_code = "CHAT_ARCHIVED"
    default_detail = "This chat is archived: restore it to continue the conversation."
