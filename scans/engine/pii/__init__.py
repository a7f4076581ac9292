"""Personal data in text: detection, typed redaction for the LLM gateway, and engine findings.

    report = detect_pii(prompt, redact=True)
    answer = restore(llm(report.redacted_text), report.mapping)

Pure Python and fast enough for every chat message: validated identifiers (checksums through
python-stdnum, phone numbers through phonenumbers), regular expressions prefiltered by cheap
character checks, and gazetteers in sets for names; no language model.
"""

from .detector import detect_pii
from .findings import to_findings
from .redaction import restore
from .report import PiiEntity, PiiFinding, PiiReport
from .types import DEFAULT_TYPES, PII_TYPES

__all__ = [
    "DEFAULT_TYPES",
    "PII_TYPES",
    "PiiEntity",
    "PiiFinding",
    "PiiReport",
    "detect_pii",
    "restore",
    "to_findings",
]
