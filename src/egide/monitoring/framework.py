"""The programme's results framework, read from its versioned data file
(``monitoring/data/framework-<version>.json``): goal, objectives (i)–(iv), indicators with their
definition, unit, counting rule, disaggregations, baseline and life-of-programme targets with the
source of each. Pure Python, no Django: targets edited by an administrator live in the database
(``monitoring.Target``) and take precedence (see ``targets.py``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

VERSION = "1.0"
DATA = Path(__file__).resolve().parent / "data"

DIMENSIONS = (
    "sex",
    "age_band",
    "actor_type",
    "audience",
    "need",
    "purpose",
    "exploitation_purpose",
    "reason",
    "region",
)
UNITS = ("people", "percent", "days", "count", "services")


@dataclass(frozen=True)
class Text:
    fr: str
    en: str

    def get(self, language: str | None) -> str:
        return self.en if (language or "fr").startswith("en") else self.fr


@dataclass(frozen=True)
class FileTarget:
    """A target of the framework file: ``period`` None means the life of the programme."""

    period: str | None
    region: str | None
    value: float
    source: str
    quote: str


@dataclass(frozen=True)
class Indicator:
    code: str
    objective: str
    name: Text
    definition: Text
    unit: str
    computation: str
    disaggregations: tuple[str, ...]
    counting_rule: Text
    baseline: float | None
    targets: tuple[FileTarget, ...]

    @property
    def is_count(self) -> bool:
        """Counts are suppressed cell by cell; percentages and medians by their base."""
        return self.unit not in ("percent", "days")


@dataclass(frozen=True)
class Objective:
    code: str
    name: Text


@dataclass(frozen=True)
class Framework:
    version: str
    sources: tuple[str, ...]
    programme_start: str
    programme_end: str
    programme_label: Text
    goal: Objective
    objectives: tuple[Objective, ...]
    indicators: tuple[Indicator, ...]

    def indicator(self, code: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.code == code:
                return indicator
        raise KeyError(code)

    def of_objective(self, code: str) -> list[Indicator]:
        return [i for i in self.indicators if i.objective == code]

    def objective(self, code: str) -> Objective:
        for objective in (self.goal, *self.objectives):
            if objective.code == code:
                return objective
        raise KeyError(code)


class FrameworkError(ValueError):
    """The framework file is malformed (raised at load, so a bad file stops start-up)."""


def _text(raw: Any, where: str) -> Text:
    if not isinstance(raw, dict) or not raw.get("fr") or not raw.get("en"):
        raise FrameworkError(f"{where}: needs a French and an English text")
    return Text(str(raw["fr"]), str(raw["en"]))


def parse(document: dict[str, Any]) -> Framework:
    """A framework from its JSON document; raises FrameworkError on anything inconsistent."""
    objectives = tuple(
        Objective(str(o["code"]), _text(o.get("name"), f"objective {o.get('code')}"))
        for o in document.get("objectives", [])
    )
    goal = Objective(str(document["goal"]["code"]), _text(document["goal"]["name"], "goal"))
    known = {o.code for o in objectives} | {goal.code}
    indicators = []
    seen: set[str] = set()
    for raw in document.get("indicators", []):
        code = str(raw.get("code", ""))
        if not code or code in seen:
            raise FrameworkError(f"indicator {code!r}: missing or repeated code")
        seen.add(code)
        if raw.get("objective") not in known:
            raise FrameworkError(f"indicator {code}: unknown objective {raw.get('objective')!r}")
        if raw.get("unit") not in UNITS:
            raise FrameworkError(f"indicator {code}: unknown unit {raw.get('unit')!r}")
        dims = tuple(str(d) for d in raw.get("disaggregations", []))
        for d in dims:
            if d not in DIMENSIONS:
                raise FrameworkError(f"indicator {code}: unknown disaggregation {d!r}")
        targets = []
        for t in raw.get("targets", []):
            if not t.get("source"):
                raise FrameworkError(f"indicator {code}: a target without its source")
            targets.append(
                FileTarget(
                    period=t.get("period"),
                    region=t.get("region"),
                    value=float(t["value"]),
                    source=str(t["source"]),
                    quote=str(t.get("quote", "")),
                )
            )
        baseline = raw.get("baseline")
        indicators.append(
            Indicator(
                code=code,
                objective=str(raw["objective"]),
                name=_text(raw.get("name"), code),
                definition=_text(raw.get("definition"), code),
                unit=str(raw["unit"]),
                computation=str(raw["computation"]),
                disaggregations=dims,
                counting_rule=_text(raw.get("counting_rule"), code),
                baseline=None if baseline is None else float(baseline),
                targets=tuple(targets),
            )
        )
    period = document.get("programme_period", {})
    return Framework(
        version=str(document.get("version", "")),
        sources=tuple(str(s) for s in document.get("sources", [])),
        programme_start=str(period.get("start", "")),
        programme_end=str(period.get("end", "")),
        programme_label=_text(period.get("label"), "programme period"),
        goal=goal,
        objectives=objectives,
        indicators=tuple(indicators),
    )


@cache
def load(version: str = VERSION) -> Framework:
    """The framework of *version* (read once per process)."""
    path = DATA / f"framework-{version}.json"
    with path.open(encoding="utf-8") as handle:
        return parse(json.load(handle))
