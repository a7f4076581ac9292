"""A message's guardrail verdict as the chat page shows it, the same way chat.js shows a live one."""

from typing import Any

from django import template

from chats.guardrails import CATEGORY_LABELS

register = template.Library()

NOTES = {
    "block": "Blocked by the guardrails",
    "warn": "Flagged by the guardrails",
    "redact": "Redacted before it left Bastion",
    "redact_answer": "Redacted from the answer",
}


@register.inclusion_tag("chats/_guardrail.html")
def guardrail_note(guardrail: dict[str, Any], role: str) -> dict[str, Any]:
    """The person's message carries the prompt's verdict; an answer only what was redacted from it (it
    repeats the prompt's verdict, which is shown once, on the question)."""
    guardrail = guardrail or {}
    if role == "assistant":
        redacted = guardrail.get("redacted_answer", {})
        action = "redact_answer" if redacted else "allow"
    else:
        redacted = guardrail.get("redacted", {})
        action = guardrail.get("action", "allow")
        if action == "allow" and redacted:
            action = "redact"
    return {
        "action": action,
        "note": NOTES.get(action, ""),
        # A category whose values were replaced is named once, among the replaced.
        "categories": [
            CATEGORY_LABELS.get(name, name) for name in guardrail.get("categories", []) if name not in redacted
        ]
        if role != "assistant"
        else [],
        "redacted": sorted(CATEGORY_LABELS.get(name, name) for name in redacted),
    }


@register.simple_tag
def guardrail_wording() -> dict[str, dict[str, str]]:
    """The same labels and notes for chat.js, which shows the verdicts that arrive over the socket."""
    return {"categories": {str(category): label for category, label in CATEGORY_LABELS.items()}, "notes": NOTES}
