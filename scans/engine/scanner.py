"""One scan over files: each file read once, the secret prefilter first, then the analyzers its type needs."""

import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from scans.engine.analyzers import TEXT_ANALYZERS, TextAnalyzer
from scans.engine.files import (
    BINARY_SNIFF_BYTES,
    DEFAULT_MAX_FILE_BYTES,
    Candidate,
    Failed,
    Skipped,
    is_binary,
    iter_files,
)
from scans.engine.findings import Finding
from scans.engine.model_files import MODEL_SUFFIXES, is_model_file, scan_model_file
from scans.engine.secrets import Rule, SecretScanner

# Model archives are often far larger than source files; their pickles are read from the file in pieces.
DEFAULT_MAX_MODEL_BYTES = 4 * 1024 * 1024 * 1024

Progress = Callable[[int, int], None]


@dataclass
class ScanResult:
    findings: list[Finding] = field(default_factory=list)
    files_scanned: int = 0
    bytes_scanned: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    duration_s: float = 0.0
    engine: str = ""

    def record(self, shown: str, size: int, findings: list[Finding] | None) -> None:
        """One file's outcome: its findings, or a skip where no analyzer reads it (a binary file)."""
        if findings is None:
            self.skipped.append((shown, "binary file"))
            return
        self.files_scanned += 1
        self.bytes_scanned += size
        self.findings.extend(findings)

    def finish(self, started: float) -> "ScanResult":
        self.findings.sort(key=finding_order)
        self.duration_s = time.perf_counter() - started
        return self


def finding_order(finding: Finding) -> tuple:
    return (finding.path, finding.line, finding.column, -finding.severity.rank, finding.rule_id)


class Scanner:
    def __init__(
        self,
        rules: Sequence[Rule] | None = None,
        *,
        engine: str = "auto",
        max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
        max_model_bytes: int = DEFAULT_MAX_MODEL_BYTES,
        analyzers: Sequence[TextAnalyzer] = TEXT_ANALYZERS,
    ) -> None:
        self.secrets = SecretScanner(rules, engine=engine)
        self.max_file_bytes = max_file_bytes
        self.max_model_bytes = max_model_bytes
        self._by_suffix: dict[str, list[TextAnalyzer]] = {}
        for analyzer in analyzers:
            for suffix in analyzer.suffixes:
                self._by_suffix.setdefault(suffix, []).append(analyzer)

    @property
    def engine(self) -> str:
        return self.secrets.engine

    def scan_file(self, path: str, data: bytes) -> list[Finding]:
        """Findings in one file's bytes (none for a binary file that is not a model file)."""
        return self.analyze(path, data) or []

    def analyze(self, path: str, data: bytes) -> list[Finding] | None:
        """Like `scan_file`, but None for a binary file no analyzer reads, so a walk can report the skip."""
        head = data[:BINARY_SNIFF_BYTES]
        if is_model_file(path, head):
            return scan_model_file(path, data)
        if is_binary(head):
            return None
        analyzers = self._by_suffix.get(os.path.splitext(path)[1].lower(), ())
        if not analyzers:
            return self.secrets.scan_bytes(path, data)
        text = data.decode("utf-8", "replace")
        findings = self.secrets.scan_bytes(path, data, text=text)
        for analyzer in analyzers:
            findings.extend(analyzer.scan(path, text))
        return findings

    def scan_paths(
        self, paths: Iterable[str | Path], *, exclude: Sequence[str] = (), progress: Progress | None = None
    ) -> ScanResult:
        started = time.perf_counter()
        result = ScanResult(engine=self.engine)
        entries = iter_files(paths, exclude=exclude, max_file_bytes=self.max_file_bytes, may_stream=self._streams)
        for entry in entries:
            if isinstance(entry, Skipped):
                result.skipped.append((entry.shown, entry.reason))
            elif isinstance(entry, Failed):
                result.errors.append((entry.shown, entry.message))
            else:
                self._scan_candidate(entry, result)
                if progress is not None:
                    progress(result.files_scanned, result.bytes_scanned)
        return result.finish(started)

    def _streams(self, shown: str) -> bool:
        return os.path.splitext(shown)[1].lower() in MODEL_SUFFIXES

    def _scan_candidate(self, entry: Candidate, result: ScanResult) -> None:
        try:
            with open(entry.path, "rb") as handle:
                if entry.size > self.max_file_bytes:
                    if entry.size > self.max_model_bytes or not is_model_file(entry.shown, handle.read(512)):
                        result.skipped.append((entry.shown, "larger than the size limit"))
                        return
                    handle.seek(0)
                    findings = scan_model_file(entry.shown, handle)
                    size = entry.size
                else:
                    data = handle.read()
                    findings, size = self.analyze(entry.shown, data), len(data)
        except OSError as error:
            result.errors.append((entry.shown, f"cannot be read ({error.strerror or type(error).__name__})"))
            return
        result.record(entry.shown, size, findings)
