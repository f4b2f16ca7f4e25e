"""The curriculum of the Labé training cycle, as versioned data (modules, content, question bank).

Pure Python: read from ``data/curriculum-<version>.json``.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).with_name("data")
VERSION = "1.0"


@functools.cache
def curriculum(version: str = VERSION) -> dict[str, Any]:
    """The whole curriculum document."""
    return json.loads((DATA / f"curriculum-{version}.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def module(code: str) -> dict[str, Any] | None:
    return next((m for m in curriculum()["modules"] if m["code"] == code), None)


def questions_of(module_codes: list[str]) -> list[dict[str, Any]]:
    """The bank's questions of the given modules, in bank order."""
    wanted = set(module_codes)
    return [q for q in curriculum()["questions"] if q["module"] in wanted]


def question_index() -> dict[str, dict[str, Any]]:
    return {q["code"]: q for q in curriculum()["questions"]}
