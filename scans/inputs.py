"""What a scan reads, as it travels from the API to the engine: the content, and what may be kept of it."""

from dataclasses import dataclass, field
from typing import Any

from scans.models import Scan


@dataclass(frozen=True)
class ScanInput:
    """One scan's input. `text` is read by the engine and dropped: only `summary()` is stored."""

    kind: Scan.InputKind
    text: str = field(repr=False)
    # Where findings say they are: the snippet's file name, or a label for a prompt or a text.
    path: str
    language: str = ""
    model: str = ""
    content_type: str = ""
    # PII scans: also answer with the text with typed placeholders (never stored).
    redact: bool = False

    def summary(self) -> dict[str, Any]:
        facts = {
            "path": self.path,
            "language": self.language,
            "model": self.model,
            "content_type": self.content_type,
            "bytes": len(self.text.encode("utf-8", "surrogatepass")),
            # A final newline ends the last line rather than starting another.
            "lines": self.text.count("\n") + (not self.text.endswith("\n")) if self.text else 0,
        }
        return {name: value for name, value in facts.items() if value != ""}
