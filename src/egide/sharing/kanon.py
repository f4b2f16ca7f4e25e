"""k-anonymity by full-domain generalisation, then suppression of what is left.

Pure Python, no Django. The algorithm works on the *histogram* of quasi-identifier combinations
(combination → number of records), never on the records themselves: the export counts the
combinations with one ``GROUP BY`` in the database, plans here, then streams the records and
applies the plan one at a time — memory grows with the number of distinct combinations, not
with the number of cases.

Method (Samarati's full-domain generalisation with a suppression budget, searched
exhaustively — the lattice has a few hundred nodes):

1. each quasi-identifier has a hierarchy of levels (level 0 = as recorded, the last level = blank);
2. every vector of levels is tried; under a vector, a combination is *rare* when fewer than k
   records share its generalised values; the vector is *admissible* when the rare records are at
   most ``max_suppression`` of all records;
3. among admissible vectors the one losing least information is chosen (sum over the
   quasi-identifiers of level / top level; ties: fewer suppressed records, then the vector);
4. the rare records of the chosen vector are suppressed (left out of the release).

Every released combination is then shared by at least k released records; each released value is
its input value or a generalisation of it (never more specific); records in = out + suppressed.

No library was used: ANJANA (PyPI ``anjana``) fits the idea but works on a pandas DataFrame of
all records in memory (pandas, numpy and pycanon come with it); the export must stream a million
cases in constant memory.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

Combination = tuple[str, ...]

MIN_K = 2
DEFAULT_K = 11
DEFAULT_MAX_SUPPRESSION = 0.05

K_TOO_SMALL = "k must be at least 2 (k = 1 protects no one)."


class KAnonymityError(ValueError):
    """A parameter of the k-anonymity plan is not acceptable."""


@dataclass(frozen=True)
class Hierarchy:
    """How one quasi-identifier is generalised: ``generalise(value, level)``; level 0 returns
    the value itself and the last level returns blank for every value."""

    name: str
    levels: tuple[str, ...]
    generalise: Callable[[str, int], str]

    @property
    def top(self) -> int:
        return len(self.levels) - 1

    def covers(self, released: str, original: str) -> bool:
        """True when *released* is *original* or one of its generalisations."""
        levels = range(len(self.levels))
        return any(self.generalise(original, level) == released for level in levels)


@dataclass(frozen=True)
class Plan:
    """The generalisation levels chosen and the generalised combinations to suppress."""

    k: int
    hierarchies: tuple[Hierarchy, ...]
    levels: tuple[int, ...]
    suppressed: frozenset[Combination]
    records_in: int
    records_suppressed: int
    suppress_all: bool = False

    @property
    def records_out(self) -> int:
        return self.records_in - self.records_suppressed

    def generalise(self, combination: Sequence[str]) -> Combination:
        return tuple(
            h.generalise(v, level)
            for h, v, level in zip(self.hierarchies, combination, self.levels, strict=True)
        )

    def apply(self, combination: Sequence[str]) -> Combination | None:
        """The released values of a record's combination, or None when it is suppressed."""
        if self.suppress_all:
            return None
        released = self.generalise(combination)
        return None if released in self.suppressed else released

    def generalisations(self) -> list[tuple[str, str]]:
        """(quasi-identifier, level name) for each quasi-identifier generalised."""
        return [
            (h.name, h.levels[level])
            for h, level in zip(self.hierarchies, self.levels, strict=True)
            if level > 0
        ]


def check_k(k: int) -> int:
    if isinstance(k, bool) or not isinstance(k, int) or k < MIN_K:
        raise KAnonymityError(K_TOO_SMALL)
    return k


def _loss(hierarchies: Sequence[Hierarchy], levels: Sequence[int]) -> float:
    return sum(level / h.top for h, level in zip(hierarchies, levels, strict=True) if h.top)


def plan(
    counts: Mapping[Combination, int],
    hierarchies: Sequence[Hierarchy],
    k: int = DEFAULT_K,
    max_suppression: float = DEFAULT_MAX_SUPPRESSION,
) -> Plan:
    """Choose generalisation levels and the combinations to suppress so that every released
    combination occurs at least *k* times. *counts* maps each combination of recorded values
    (in *hierarchies* order) to its number of records."""
    check_k(k)
    if not 0 <= max_suppression <= 1:
        raise KAnonymityError("max_suppression must lie between 0 and 1.")
    hierarchies = tuple(hierarchies)
    for combination, n in counts.items():
        if len(combination) != len(hierarchies):
            raise KAnonymityError("a combination does not have one value per quasi-identifier")
        if n < 0:
            raise KAnonymityError("a count cannot be negative")
    total = sum(counts.values())
    if total < k:
        # Not even one group of k: nothing can be released.
        return Plan(k, hierarchies, tuple(0 for _ in hierarchies), frozenset(), total, total, True)
    # Generalised value of each distinct value at each level, computed once.
    tables: list[list[dict[str, str]]] = []
    for i, h in enumerate(hierarchies):
        distinct = {c[i] for c in counts}
        tables.append([{v: h.generalise(v, level) for v in distinct} for level in range(h.top + 1)])
    budget = max_suppression * total
    best: tuple[float, int, tuple[int, ...], frozenset[Combination]] | None = None
    # Least information lost first: the search stops after the first loss level that has an
    # admissible vector (ties between equal losses: fewer suppressed records, then the vector).
    nodes = sorted(
        itertools.product(*(range(h.top + 1) for h in hierarchies)),
        key=lambda levels: (_loss(hierarchies, levels), levels),
    )
    for levels in nodes:
        loss = _loss(hierarchies, levels)
        if best is not None and loss > best[0]:
            break
        grouped: dict[Combination, int] = {}
        maps = [tables[i][level] for i, level in enumerate(levels)]
        for combination, n in counts.items():
            key = tuple(m[v] for m, v in zip(maps, combination, strict=True))
            grouped[key] = grouped.get(key, 0) + n
        rare = frozenset(c for c, n in grouped.items() if 0 < n < k)
        suppressed = sum(grouped[c] for c in rare)
        if suppressed > budget:
            continue
        candidate = (loss, suppressed, levels, rare)
        if best is None or candidate[:3] < best[:3]:
            best = candidate
    # The top vector (everything blank) always qualifies once total >= k.
    if best is None:  # pragma: no cover - the top vector suppresses nothing
        raise KAnonymityError("no generalisation reaches k")
    loss, suppressed, levels, rare = best
    return Plan(k, hierarchies, levels, rare, total, suppressed)


def histogram(combinations: Iterable[Sequence[str]]) -> dict[Combination, int]:
    """Count the combinations of an iterable of records (for tests and small data)."""
    counts: dict[Combination, int] = {}
    for c in combinations:
        key = tuple(c)
        counts[key] = counts.get(key, 0) + 1
    return counts
