"""The answer's guardrail, applied while it streams.

Tokens go out as they come, less a short tail held back: a value is screened whole only when it is
all there, and a secret or a phone number can arrive over several deltas. The tail is the last few
words (at least HOLD_CHARS), so the first token waits for a few words, never for the whole answer as
a buffering guardrail would. Secrets and personal data the model wrote are replaced; the
placeholders the person's own values were sent as get those values back.
"""

from chats.guardrails import ANSWER_PII_TYPES, Category, Policy, Redactor, Screening, Verdict
from scans.engine.pii import restore

HOLD_CHARS = 24
# Already-sent text scanned again with the tail: `api_key = ` may have gone out before its value came.
CONTEXT_CHARS = 64


class AnswerScreen:
    def __init__(self, policy: Policy, mapping: dict[str, str]) -> None:
        self._mapping = mapping
        self._found = Screening()  # what the answer held, counted apart from the prompt's screening
        self._redactor = Redactor(policy, self._found, pii_types=ANSWER_PII_TYPES)
        self._actions = {category: policy.rules[category]["action"] for category in (Category.PII, Category.SECRETS)}
        self._pending = ""
        self._sent_tail = ""

    @property
    def redacted(self) -> dict[str, int]:
        return dict(self._found.redacted)

    def feed(self, text: str) -> str:
        """What of the answer so far may go out now (often ""), screened and restored."""
        self._pending += text
        cut = self._cut()
        return self._release(cut) if cut else ""

    def finish(self) -> str:
        """The held tail, screened, once the answer is complete (or cut short)."""
        return self._release(len(self._pending))

    def _cut(self) -> int:
        limit = len(self._pending) - HOLD_CHARS
        if limit <= 0:
            return 0
        # At a space, so no word (and no secret, which holds no space) is ever split.
        return max(self._pending.rfind(" ", 0, limit), self._pending.rfind("\n", 0, limit)) + 1

    def _release(self, cut: int) -> str:
        window = self._sent_tail + self._pending
        offset = len(self._sent_tail)
        pieces, cursor = [], 0
        for start, end, category, _ in self._redactor.spans(window):
            start, end = start - offset, end - offset
            if end <= 0 or self._actions[category] not in (Verdict.REDACT, Verdict.BLOCK):
                continue
            if start < cut < end:
                cut = max(start, 0)  # a value straddling the cut waits whole for the next release
            if start >= cut:
                break
            start = max(start, cursor)
            self._found.redacted[category] = self._found.redacted.get(category, 0) + 1
            pieces += [self._pending[cursor:start], f"[redacted {category.replace('_', ' ')}]"]
            cursor = end
        pieces.append(self._pending[cursor:cut])
        released = "".join(pieces)
        self._sent_tail = (self._sent_tail + self._pending[:cut])[-CONTEXT_CHARS:]
        self._pending = self._pending[cut:]
        return restore(released, self._mapping)
