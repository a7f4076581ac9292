"""JSON from a client, for the API's parser and the WebSocket alike: anything unreadable is a ValueError."""

import json
import re
from typing import Any

from rest_framework.utils.json import strict_constant

# Deeper than any request Bastion accepts, far shallower than the interpreter's recursion limit.
MAX_JSON_DEPTH = 64


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


def _depth_exceeded(text: str, limit: int) -> bool:
    """Whether brackets outside strings nest past `limit`, checked before the recursive decoder runs."""
    depth = 0
    for bracket in _BRACKET.findall(_STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        if depth > limit:
            return True
    return False


def json_loads(text: str | bytes) -> Any:
    """Decode JSON from a client, raising ValueError for anything unreadable, too deep included."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    if _depth_exceeded(text, MAX_JSON_DEPTH):
        raise ValueError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels.")
    try:
        # NaN and Infinity are not JSON, as DRF's own parser holds.
        return json.loads(text, parse_constant=strict_constant)
    except RecursionError:
        raise ValueError("JSON nested too deeply.") from None
