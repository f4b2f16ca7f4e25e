"""The API's JSON parser: answers 400, not 500, to a document nested too deeply."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from egide.core.jsonsafe import MAX_DEPTH, TOO_DEEP, loads_bounded


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser, refusing documents nested more than ``MAX_DEPTH`` levels."""

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        body = stream.read() if stream is not None else b""
        try:
            text = body.decode("utf-8") if isinstance(body, bytes) else body
            return loads_bounded(text)
        except ValueError as exc:  # includes UnicodeDecodeError and the depth refusal
            raise ParseError(f"JSON parse error - {exc}") from exc


__all__ = ["MAX_DEPTH", "TOO_DEEP", "BoundedJSONParser"]
