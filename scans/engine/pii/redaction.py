"""Typed placeholders for the gateway: the LLM sees `<EMAIL_1>`, the user gets the address back."""

import re

from .report import PiiEntity

_PLACEHOLDER = re.compile(r"<[A-Z_]+_\d+>")


def redact(text: str, entities: list[PiiEntity]) -> tuple[str, dict[str, str]]:
    """The text with each entity replaced; one value keeps one placeholder throughout."""
    placeholders: dict[tuple[str, str], str] = {}
    counts: dict[str, int] = {}
    pieces: list[str] = []
    cursor = 0
    for entity in sorted(entities, key=lambda item: item.start):
        value = text[entity.start : entity.end]
        key = (entity.pii_type, value)
        if key not in placeholders:
            counts[entity.pii_type] = counts.get(entity.pii_type, 0) + 1
            placeholders[key] = f"<{entity.pii_type}_{counts[entity.pii_type]}>"
        pieces += [text[cursor : entity.start], placeholders[key]]
        cursor = entity.end
    pieces.append(text[cursor:])
    return "".join(pieces), {placeholder: value for (_, value), placeholder in placeholders.items()}


def restore(text: str, mapping: dict[str, str]) -> str:
    """Puts the original values back; placeholders the mapping does not know are left as they are."""
    if not mapping:
        return text
    return _PLACEHOLDER.sub(lambda match: mapping.get(match.group(), match.group()), text)
