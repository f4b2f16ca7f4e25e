"""Pagination without COUNT(*): on a million rows the count costs more than the page itself."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class Page:
    """One page of results: its rows, its number, and whether pages exist around it."""

    object_list: list[Any]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    def __iter__(self) -> Any:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


def page_without_count(queryset: Any, page: str | None, per_page: int = 25) -> Page:
    """Fetch one more row than a page holds to know whether a next page exists."""
    try:
        number = max(int(page or 1), 1)
    except ValueError:
        number = 1
    start = (number - 1) * per_page
    rows = list(queryset[start : start + per_page + 1])
    return Page(rows[:per_page], number, len(rows) > per_page)
