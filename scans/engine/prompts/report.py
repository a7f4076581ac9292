"""What scoring a prompt returns: four risk scores, the overall verdict and the evidence for it."""

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Evidence:
    family: str
    rule_id: str
    # Offsets into the prompt as given, before normalisation.
    start: int
    end: int
    excerpt: str
    weight: float


@dataclass(frozen=True, slots=True)
class PromptReport:
    jailbreak_risk: int
    injection_risk: int
    data_exfiltration_risk: int
    system_prompt_exposure: int
    overall: int
    flagged: bool
    classifier_probability: float
    suggested_prompt: str
    evidence: list[Evidence] = field(default_factory=list)
    # Set when a judge refined the scores, so a reader can tell its verdict from the rules'.
    judged: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
