"""The analyzers a scan runs on text files, chosen by file suffix.

Secrets run on every file and model files are recognised by their bytes; the other analyzers
(dangerous code, and any added later) register here with the suffixes they read, one line each:

    TEXT_ANALYZERS = (TextAnalyzer("code", frozenset({".py", ".js", ".ts"}), scan_code),)

A scan decodes a file once for all the analyzers of its suffix, after the secret prefilter.
"""

from collections.abc import Callable
from dataclasses import dataclass

from scans.engine.code import JAVASCRIPT_EXTENSIONS, PYTHON_EXTENSIONS, scan_code
from scans.engine.findings import Finding


@dataclass(frozen=True, slots=True)
class TextAnalyzer:
    name: str
    suffixes: frozenset[str]
    scan: Callable[[str, str], list[Finding]]


TEXT_ANALYZERS: tuple[TextAnalyzer, ...] = (
    TextAnalyzer("code", frozenset(PYTHON_EXTENSIONS + JAVASCRIPT_EXTENSIONS), scan_code),
)
