"""What `detect_pii` returns: masked entities, one finding per type, and the redacted text."""

from dataclasses import asdict, dataclass, field
from typing import Any

from .types import AiActRisk, Classification, GdprRisk


def mask_pii(value: str) -> str:
    """At most a third of the value, never more than four characters: "J…(4 chars)" for "John"."""
    return f"{value[: min(4, len(value) // 3)]}…({len(value)} chars)"


@dataclass(frozen=True, slots=True)
class PiiEntity:
    pii_type: str
    start: int
    end: int
    value_masked: str
    score: float


@dataclass(frozen=True, slots=True)
class PiiFinding:
    pii_type: str
    count: int
    locations: list[tuple[int, int]]
    classification: Classification
    gdpr_risk: GdprRisk
    ai_act_risk: AiActRisk
    reason: str


@dataclass(frozen=True, slots=True)
class PiiReport:
    entities: list[PiiEntity]
    findings: list[PiiFinding]
    redacted_text: str | None
    # Placeholder → original value, and the scanned text: kept in memory for `restore` and
    # `to_findings`, never shown by repr, compared, or serialised by `to_dict`.
    mapping: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    text: str = field(default="", repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "entities": [asdict(entity) for entity in self.entities],
            "findings": [asdict(finding) for finding in self.findings],
            "redacted_text": self.redacted_text,
        }
