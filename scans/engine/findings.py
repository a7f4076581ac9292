"""What every analyzer reports: a finding with a masked snippet and a stable fingerprint.

No finding ever holds a whole secret. Analyzers mask the matched value before a `Finding` is built,
so reports, SARIF, logs, exceptions and `repr` can only ever show what `mask` leaves.
"""

import hashlib
import hmac
import os
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is worse: critical 4 … info 0, for sorting and `--fail-on`."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.CRITICAL: 4, Severity.HIGH: 3, Severity.MEDIUM: 2, Severity.LOW: 1, Severity.INFO: 0}


class Confidence(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        return _CONFIDENCE_RANK[self]


_CONFIDENCE_RANK = {Confidence.HIGH: 2, Confidence.MEDIUM: 1, Confidence.LOW: 0}


class Category(StrEnum):
    """What kind of problem a finding is (the API's `finding_type`)."""

    SECRET = "secret"
    CODE = "code"
    MODEL_FILE = "model_file"
    PII = "pii"
    PROMPT = "prompt"


@dataclass(frozen=True, slots=True)
class Finding:
    rule_id: str
    category: Category
    severity: Severity
    confidence: Confidence
    title: str
    description: str
    remediation: str
    path: str
    line: int
    column: int
    snippet: str
    fingerprint: str
    # Where the finding came from beyond the file: a commit, author and date for history scans.
    extra: dict[str, Any] = field(default_factory=dict, compare=False)


SHOWN_PREFIX = 4
# Fingerprints are keyed so that a baseline or an alert does not carry a plain hash of a secret,
# which could be confirmed by hashing a guess. Deployments set their own key; the default keeps
# baselines stable between machines for the command line.
FINGERPRINT_KEY_ENV = "BASTION_FINGERPRINT_KEY"
_DEFAULT_FINGERPRINT_KEY = b"bastion-fingerprint-v1"


def mask(secret: str) -> str:
    """The first four characters and the length: enough to recognise a value, never to use it."""
    return f"{secret[:SHOWN_PREFIX]}…({len(secret)} chars)"


def masked_line(line: str, secret: str, *, limit: int = 200) -> str:
    """The line with every occurrence of the secret masked, cut to `limit` characters."""
    shown = line.replace(secret, mask(secret)) if secret else line
    shown = shown.strip()
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def fingerprint_key() -> bytes:
    configured = os.environ.get(FINGERPRINT_KEY_ENV)
    return configured.encode() if configured else _DEFAULT_FINGERPRINT_KEY


def fingerprint(*, rule_id: str, value: str, path: str, key: bytes | None = None) -> str:
    """Stable across runs and line moves: the rule, a keyed hash of the value, and the path."""
    digest = hmac.new(key or fingerprint_key(), digestmod=hashlib.sha256)
    for part in (rule_id, path, value):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()[:32]
