"""Page forms of chats. Shape only: `chats.services` validates and decides."""

from typing import Any

from django import forms

from chats.guardrails import CATEGORY_LABELS, REDACTABLE, Category, Policy, Verdict
from chats.models import SystemPrompt
from chats.registry import ModelSpec


class ChatForm(forms.Form):
    """A new chat, or a chat's settings: its model and its instructions."""

    title = forms.CharField(max_length=200, required=False, help_text="Left empty: named from the first message.")
    model = forms.ChoiceField(help_text="The chat's model; each message may pick another.")
    system_prompt_id = forms.ChoiceField(label="System prompt", required=False)
    system_prompt = forms.CharField(
        label="Own instructions",
        max_length=20_000,
        required=False,
        help_text="Used when no system prompt of the library is chosen.",
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 20_000}),
    )

    def __init__(self, *args: Any, models: list[ModelSpec], prompts: list[SystemPrompt], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [(spec.id, spec.name or spec.id) for spec in models]
        self.fields["system_prompt_id"].choices = [("", "None: the own instructions below")] + [
            (str(prompt.pk), prompt.name) for prompt in prompts
        ]

    def service_fields(self) -> dict[str, Any]:
        """The cleaned fields for chat_create/chat_update: no library entry is None, not ""."""
        fields = dict(self.cleaned_data)
        fields["system_prompt_id"] = fields.get("system_prompt_id") or None
        return fields


class GuardrailPolicyForm(forms.Form):
    """One action and threshold per category; the service refuses what the API refuses."""

    def __init__(self, *args: Any, policy: Policy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for category in Category:
            rule = policy.rules[category]
            actions = [verdict for verdict in Verdict if verdict is not Verdict.REDACT or category in REDACTABLE]
            self.fields[f"{category}_action"] = forms.ChoiceField(
                label="Action", choices=[(verdict.value, verdict.value.capitalize()) for verdict in actions],
                initial=rule["action"],
            )  # fmt: skip
            self.fields[f"{category}_threshold"] = forms.IntegerField(
                label="Threshold", min_value=0, max_value=100, initial=rule["threshold"]
            )

    def rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [
            (CATEGORY_LABELS[category], self[f"{category}_action"], self[f"{category}_threshold"])
            for category in Category
        ]

    def rules(self) -> dict[str, dict[str, Any]]:
        data = self.cleaned_data
        return {
            category.value: {"action": data[f"{category}_action"], "threshold": data[f"{category}_threshold"]}
            for category in Category
        }
