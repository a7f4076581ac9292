"""Telling a credential-like string literal apart from text, so that snippets can mask it.

The secrets analyzer owns credential detection; the code analyzers only need a cheap, conservative
answer to "could this literal be a key?" so that a finding's snippet never shows one whole and so
that `llm.secret-in-system-prompt` can spot a key pasted into a prompt.
"""

import math
import re

from scans.engine.findings import mask, masked_line

# Documented prefixes of provider tokens (OpenAI/Anthropic `sk-`, GitHub `ghp_`…, AWS access key
# ids, Slack `xox?-`, GitLab `glpat-`, Google `AIza`, Hugging Face `hf_`, Stripe live keys).
_PREFIXED = re.compile(
    r"(?:sk-(?:ant-|proj-)?[A-Za-z0-9_\-]{16,}|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,}"
    r"|(?:AKIA|ASIA)[A-Z0-9]{16}|xox[abposr]-[A-Za-z0-9\-]{10,}|glpat-[A-Za-z0-9_\-]{20,}"
    r"|AIza[A-Za-z0-9_\-]{35}|hf_[A-Za-z0-9]{30,}|[rs]k_live_[A-Za-z0-9]{20,})"
)
# Runs of token characters inside a quoted literal; the quotes are found by the same pattern.
_QUOTED = re.compile(r"""(['"`])((?:\\.|(?!\1).)*)\1""")
_TOKEN = re.compile(r"[A-Za-z0-9_\-+/=.]{20,}")
_MIN_ENTROPY = 4.0


def _entropy(value: str) -> float:
    counts: dict[str, int] = {}
    for char in value:
        counts[char] = counts.get(char, 0) + 1
    size = len(value)
    return -sum(n / size * math.log2(n / size) for n in counts.values())


def credential_tokens(text: str) -> list[str]:
    """The parts of `text` that look like a key: a known prefix, or a long high-entropy run.

    A high-entropy run must mix letters and digits and not be a path or dotted name, so that
    identifiers, URLs and prose stay readable in snippets.
    """
    found = [match.group(0) for match in _PREFIXED.finditer(text)]
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        if token in found or any(token in known or known in token for known in found):
            continue
        if "/" in token or token.count(".") > 1 or not any(c.isdigit() for c in token):
            continue
        if not any(c.isalpha() for c in token) or _entropy(token) < _MIN_ENTROPY:
            continue
        found.append(token)
    return found


def masked_source_line(line: str) -> str:
    """The line, stripped and cut, with every credential-like token inside a quoted literal masked."""
    for quoted in _QUOTED.finditer(line):
        for token in credential_tokens(quoted.group(2)):
            line = line.replace(token, mask(token))
    return masked_line(line, "")
