"""Bounded JSON reading, shared by the API's parser and ``egide screen``.

Python's ``json`` module recurses once per level: ``[[[[…]]]]`` a hundred thousand levels deep
raises ``RecursionError``, which used to end in a 500 (API) or a traceback (CLI). No document
of Égide needs more than a few levels; :data:`MAX_DEPTH` is generous.
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 32
TOO_DEEP = "the document is nested more than %(n)s levels deep."


def depth_exceeds(text: str | bytes, limit: int = MAX_DEPTH) -> bool:
    """True when brackets nest deeper than *limit* (strings are skipped; linear, no recursion)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def loads_bounded(text: str | bytes, limit: int = MAX_DEPTH) -> Any:
    """``json.loads`` that raises ``ValueError`` for a document nested deeper than *limit*."""
    if depth_exceeds(text, limit):
        raise ValueError(TOO_DEEP % {"n": limit})
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except RecursionError as exc:  # pragma: no cover - depth_exceeds caught it first
        raise ValueError(TOO_DEEP % {"n": limit}) from exc


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")
