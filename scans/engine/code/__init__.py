"""Dangerous code: Python through its AST, JavaScript/TypeScript through a comment- and string-aware lexer.

`scan_code(path, text)` picks the analyzer by file extension; `CODE_RULES` is every rule's
metadata (from `rules.toml`), for reports, SARIF rule descriptors and the rules API.
"""

from scans.engine.code.javascript import JAVASCRIPT_EXTENSIONS, scan_javascript
from scans.engine.code.python import scan_python
from scans.engine.code.rules import RULES, CodeRule
from scans.engine.findings import Finding

CODE_RULES: dict[str, CodeRule] = RULES
PYTHON_EXTENSIONS = (".py", ".pyw")

__all__ = [
    "CODE_RULES",
    "JAVASCRIPT_EXTENSIONS",
    "PYTHON_EXTENSIONS",
    "CodeRule",
    "scan_code",
    "scan_javascript",
    "scan_python",
]


def scan_code(path: str, text: str) -> list[Finding]:
    """The dangerous-code findings of one file; a language we do not analyse has none."""
    lowered = path.lower()
    if lowered.endswith(PYTHON_EXTENSIONS):
        return scan_python(path, text)
    if lowered.endswith(JAVASCRIPT_EXTENSIONS):
        return scan_javascript(path, text)
    return []
