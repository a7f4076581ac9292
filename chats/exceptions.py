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
