"""Values that look like secrets but are not: placeholders, references, documentation keys.

Shared by every rule and by the generic detector, so a documented example key or `${TOKEN}` is
never reported by any of them.
"""

import re

# Keys that providers print in their own documentation; they are public on purpose.
DOCUMENTATION_VALUES = frozenset(
    {
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    }
)
_PLACEHOLDER = re.compile(
    r"""(?ix)
    ^(?:
        .*(?:example|sample|dummy|placeholder|changeme|change_me|redacted|your[_-]?(?:api[_-]?)?(?:key|token|secret)).*
      | .*(?:x{4,}|\*{4,}|\.{4,}).*
      | <[^<>]+>
      | \$\{?[a-z_][a-z0-9_]*\}?
      | \{\{.*\}\}
      | %\(?[a-z_]+\)?s
    )$
    """
)


def is_allowed(value: str) -> bool:
    """True for values no rule should report, whatever its pattern says."""
    if value in DOCUMENTATION_VALUES or len(set(value)) <= 2:
        return True
    return bool(_PLACEHOLDER.match(value))
