"""The one JSON parser: any body it cannot read is a 400 `INVALID_REQUEST`, never a 500."""

from typing import IO, Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from core.client_json import json_loads


class JSONBodyParser(JSONParser):
    def parse(self, stream: IO[bytes], media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return json_loads(stream.read() if stream is not None else b"")
        except ValueError as error:
            # UnicodeDecodeError and json's own errors are ValueErrors too.
            raise ParseError(f"The body is not valid JSON: {error}") from None
