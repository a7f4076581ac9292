"""Guardrails on every completion, through the scanner engine, in three places:

- the person's prompt is scored for jailbreaks, injections, exfiltration and system-prompt probing;
- the retrieved context is scored too, since that is where indirect injection hides: a passage the
  policy would block is withheld from the model rather than sinking the whole answer;
- personal data and secrets are replaced by placeholders before anything leaves, and the answer is
  screened as it streams (`AnswerScreen`) and gets the person's own values back.

The placeholder mapping lives in memory for one completion and is never logged or stored.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cache
from typing import Any

from chats.providers.base import Message, Passage
from scans.engine.pii import detect_pii
from scans.engine.prompts import score_prompt
from scans.engine.secrets import SecretScanner


class Category(StrEnum):
    JAILBREAK = "jailbreak"
    INJECTION = "injection"
    DATA_EXFILTRATION = "data_exfiltration"
    SYSTEM_PROMPT_EXPOSURE = "system_prompt_exposure"
    PII = "pii"
    SECRETS = "secrets"


class Verdict(StrEnum):
    ALLOW = "allow"
    WARN = "warn"
    REDACT = "redact"
    BLOCK = "block"


# How pages name each category (the chat's notes, the policy page).
CATEGORY_LABELS = {
    Category.JAILBREAK: "Jailbreak",
    Category.INJECTION: "Prompt injection",
    Category.DATA_EXFILTRATION: "Data exfiltration",
    Category.SYSTEM_PROMPT_EXPOSURE: "System prompt probing",
    Category.PII: "Personal data",
    Category.SECRETS: "Secrets",
}
# The prompt engine's four scores, by the category a policy names them with.
PROMPT_SCORES = {
    Category.JAILBREAK: "jailbreak_risk",
    Category.INJECTION: "injection_risk",
    Category.DATA_EXFILTRATION: "data_exfiltration_risk",
    Category.SYSTEM_PROMPT_EXPOSURE: "system_prompt_exposure",
}
# Only values can be replaced: a jailbreak cannot be redacted out of a prompt.
REDACTABLE = frozenset({Category.PII, Category.SECRETS})
# Scores are 0-100: a prompt category's risk, or the detector's confidence in a PII value or secret.
DEFAULT_RULES: dict[Category, dict[str, Any]] = {
    Category.JAILBREAK: {"action": Verdict.BLOCK, "threshold": 50},
    Category.INJECTION: {"action": Verdict.BLOCK, "threshold": 50},
    Category.DATA_EXFILTRATION: {"action": Verdict.BLOCK, "threshold": 60},
    Category.SYSTEM_PROMPT_EXPOSURE: {"action": Verdict.WARN, "threshold": 50},
    Category.PII: {"action": Verdict.REDACT, "threshold": 70},
    Category.SECRETS: {"action": Verdict.REDACT, "threshold": 0},
}
# The values a prompt may carry that identify someone: replaced before the provider sees them. Mentions
# of special categories (health, religion...) are the prompt's subject, not a value to swap out, and a
# city or a company is rarely personal; redacting them would leave the model nothing to answer.
PROMPT_PII_TYPES = frozenset(
    {
        "EMAIL", "PHONE", "CREDIT_CARD", "IBAN", "US_SSN", "US_ITIN", "UK_NINO", "EU_VAT", "US_PASSPORT",
        "US_DRIVER_LICENSE", "IP_ADDRESS", "MAC_ADDRESS", "CRYPTO_WALLET", "DATE_OF_BIRTH", "PERSON", "ADDRESS",
    }
)  # fmt: skip
# In an answer only identifiers are screened: a model naming people and places is doing its job.
ANSWER_PII_TYPES = PROMPT_PII_TYPES - {"PERSON", "ADDRESS"}
_STRENGTH = {Verdict.ALLOW: 0, Verdict.WARN: 1, Verdict.REDACT: 2, Verdict.BLOCK: 3}


@dataclass(frozen=True)
class Policy:
    rules: dict[Category, dict[str, Any]]

    @classmethod
    def from_stored(cls, stored: dict[str, Any] | None) -> "Policy":
        """The defaults, with what the organization saved over them (an unknown category is ignored)."""
        rules = {category: dict(rule) for category, rule in DEFAULT_RULES.items()}
        for name, rule in (stored or {}).items():
            if name in Category.__members__.values():
                rules[Category(name)].update(rule)
        return cls(rules)

    def action(self, category: Category, score: float) -> Verdict:
        rule = self.rules[category]
        return Verdict(rule["action"]) if score >= rule["threshold"] else Verdict.ALLOW


@dataclass
class Screening:
    """What the guardrails decided for one completion, and what the provider may be sent."""

    verdict: Verdict = Verdict.ALLOW
    categories: list[str] = field(default_factory=list)
    scores: dict[str, int] = field(default_factory=dict)
    redacted: dict[str, int] = field(default_factory=dict)  # category -> values replaced (counts only)
    withheld_passages: int = 0
    messages: list[Message] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    # Placeholder -> the person's value; never serialized (see `summary`).
    mapping: dict[str, str] = field(default_factory=dict, repr=False)

    def flag(self, category: Category, verdict: Verdict) -> None:
        if verdict is Verdict.ALLOW:
            return
        if category not in self.categories:
            self.categories.append(category)
        if _STRENGTH[verdict] > _STRENGTH[self.verdict]:
            self.verdict = verdict

    def summary(self) -> dict[str, Any]:
        """What a message row, a response and an alert may keep: decisions and counts, never values."""
        found: dict[str, Any] = {"action": self.verdict.value, "categories": list(self.categories)}
        found["scores"] = dict(self.scores)
        if self.redacted:
            found["redacted"] = dict(self.redacted)
        if self.withheld_passages:
            found["withheld_passages"] = self.withheld_passages
        return found


@cache
def secret_scanner() -> SecretScanner:
    return SecretScanner()


class Redactor:
    """One placeholder per value across every message of a completion, so `<PHONE_1>` means one number."""

    def __init__(self, policy: Policy, screening: Screening, *, pii_types: frozenset[str] = PROMPT_PII_TYPES) -> None:
        self.policy, self.screening, self.pii_types = policy, screening, pii_types
        self._placeholders: dict[str, str] = {}
        self._counts: dict[str, int] = {}

    def _placeholder(self, kind: str, value: str) -> str:
        if value not in self._placeholders:
            self._counts[kind] = self._counts.get(kind, 0) + 1
            self._placeholders[value] = f"<{kind}_{self._counts[kind]}>"
            self.screening.mapping[self._placeholders[value]] = value
        return self._placeholders[value]

    def spans(self, text: str) -> list[tuple[int, int, Category, str]]:
        """The values in `text` the policy replaces, as (start, end, category, placeholder kind)."""
        found: list[tuple[int, int, Category, str]] = []
        if self.policy.rules[Category.SECRETS]["action"] in (Verdict.REDACT, Verdict.BLOCK):
            found += [(s.start, s.end, Category.SECRETS, "SECRET") for s in secret_scanner().spans(text)]
        if self.policy.rules[Category.PII]["action"] in (Verdict.REDACT, Verdict.BLOCK):
            threshold = self.policy.rules[Category.PII]["threshold"]
            found += [
                (entity.start, entity.end, Category.PII, entity.pii_type)
                for entity in detect_pii(text, types=self.pii_types).entities
                if entity.score * 100 >= threshold
            ]
        found.sort()
        kept: list[tuple[int, int, Category, str]] = []
        for span in found:  # a secret that looks like a phone number is replaced once
            if not kept or span[0] >= kept[-1][1]:
                kept.append(span)
        return kept

    def redact(self, text: str) -> str:
        spans = self.spans(text)
        if not spans:
            return text
        pieces, cursor = [], 0
        for start, end, category, kind in spans:
            self.screening.flag(category, self.policy.rules[category]["action"])
            self.screening.redacted[category] = self.screening.redacted.get(category, 0) + 1
            pieces += [text[cursor:start], self._placeholder(kind, text[start:end])]
            cursor = end
        pieces.append(text[cursor:])
        return "".join(pieces)


def _score(policy: Policy, screening: Screening, text: str) -> None:
    report = score_prompt(text)
    for category, attribute in PROMPT_SCORES.items():
        score = getattr(report, attribute)
        screening.scores[category] = max(screening.scores.get(category, 0), score)
        screening.flag(category, policy.action(category, score))


def _blocks(policy: Policy, text: str) -> bool:
    report = score_prompt(text)
    verdicts = (policy.action(category, getattr(report, name)) for category, name in PROMPT_SCORES.items())
    return Verdict.BLOCK in verdicts


def screen_request(policy: Policy, messages: Sequence[Message], passages: Sequence[Passage] = ()) -> Screening:
    """Score the newest user message, withhold poisoned passages, and redact what leaves.

    Earlier messages were scored when they were sent; they are still redacted, since they go to the
    provider again. System messages are the operator's and the organization's own instructions.
    """
    screening = Screening()
    last_user = next((index for index in range(len(messages) - 1, -1, -1) if messages[index].role == "user"), None)
    if last_user is not None:
        _score(policy, screening, messages[last_user].content)
    if screening.verdict is Verdict.BLOCK:
        return screening
    for passage in passages:
        if _blocks(policy, passage.text):
            screening.withheld_passages += 1
            screening.flag(Category.INJECTION, Verdict.WARN)
        else:
            screening.passages.append(passage)
    redactor = Redactor(policy, screening)
    screening.messages = [
        message if message.role == "system" else replace(message, content=redactor.redact(message.content))
        for message in messages
    ]
    screening.passages = [replace(passage, text=redactor.redact(passage.text)) for passage in screening.passages]
    if screening.verdict is Verdict.BLOCK:  # the policy blocks a secret or PII rather than redacting it
        screening.messages, screening.passages = [], []
    return screening
