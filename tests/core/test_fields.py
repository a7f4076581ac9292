"""Strict fields check what the schema states, on the string as it was sent."""

import pytest
from rest_framework import serializers

from core.fields import StrictCharField


class _Named(serializers.Serializer):
    name = StrictCharField(max_length=5)
    note = StrictCharField(max_length=5, required=False, allow_blank=True)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "  abcd  "}, "name"),  # 8 long as sent, 4 once stripped
        ({"name": "abc", "note": " " * 6}, "note"),  # blank once stripped, still too long as sent
        ({"name": 12345}, "name"),
    ],
)
def test_a_string_is_measured_and_typed_as_sent(body, field):
    given = _Named(data=body)

    assert not given.is_valid()
    assert field in given.errors


def test_whitespace_within_the_limit_is_still_stripped():
    given = _Named(data={"name": " abc ", "note": "  "})

    assert given.is_valid(), given.errors
    assert given.validated_data == {"name": "abc", "note": ""}
