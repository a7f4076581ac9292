"""What a scan reads, as it travels from the API to the engine: the content, and what may be kept of it."""

from dataclasses import dataclass, field
from typing import Any, BinaryIO

from scans.models import Scan


@dataclass(frozen=True)
class ScanInput:
    """One scan's input. `text` is read by the engine and dropped: only `summary()` is stored."""

    kind: Scan.InputKind
    # Where findings say they are: the snippet's file name, or a label for a prompt or a text.
    path: str
    text: str = field(default="", repr=False)
    language: str = ""
    model: str = ""
    content_type: str = ""
    # PII scans: also answer with the text with typed placeholders (never stored).
    redact: bool = False
    # Archives: the uploaded zip or tar (in the request) or its stored copy (in the worker).
    archive: BinaryIO | None = field(default=None, repr=False, compare=False)
    # Repositories: the branch or tag, and where it is cloned from; the token is never shown.
    ref: str = ""
    repo_url: str = ""
    token: str = field(default="", repr=False)

    @property
    def size(self) -> int:
        if self.archive is not None:
            return self.archive.seek(0, 2)
        return len(self.text.encode("utf-8", "surrogatepass"))

    def summary(self) -> dict[str, Any]:
        facts = {
            "path": self.path,
            "language": self.language,
            "model": self.model,
            "content_type": self.content_type,
            "ref": self.ref,
            "bytes": self.size if self.kind != Scan.InputKind.REPOSITORY else "",
            "lines": self._lines(),
        }
        return {name: value for name, value in facts.items() if value != ""}

    def _lines(self) -> int | str:
        if self.kind in (Scan.InputKind.ARCHIVE, Scan.InputKind.REPOSITORY):
            return ""  # many files: their count is the worker's to report
        # A final newline ends the last line rather than starting another.
        return self.text.count("\n") + (not self.text.endswith("\n")) if self.text else 0
