"""Whole numbers typed by people or sent in forms and addresses (pure Python, no Django).

``str.isdigit()`` accepts characters that ``int()`` refuses ("²", other scripts' digits) and
numbers longer than ``int()`` will read; every place that turns a typed value into a number or
a row id goes through :func:`whole_number` instead, so bad input is refused, never a 500.
"""

from __future__ import annotations

# Longer than any id or count Égide stores (a PostgreSQL bigint has 19 digits).
MAX_DIGITS = 18


def whole_number(value: object) -> int | None:
    """*value* as a non-negative int when it is made of ASCII digits only; None otherwise."""
    text = str(value).strip() if value is not None else ""
    if not text or len(text) > MAX_DIGITS or not (text.isascii() and text.isdigit()):
        return None
    return int(text)
