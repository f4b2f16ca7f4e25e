"""The hash chain, without a database."""

from __future__ import annotations

from egide.audit import chain


def _events(n: int) -> list[tuple[int, str, str, dict[str, object]]]:
    events = []
    prev = chain.GENESIS_HASH
    for i in range(1, n + 1):
        content = {"action": f"test.{i}", "details": {"n": i}, "created_at": f"2026-01-0{i}"}
        h = chain.event_hash(prev, content)
        events.append((i, prev, h, content))
        prev = h
    return events


def test_chain_verify_accepts_intact_chain() -> None:
    assert chain.verify(_events(5)) == (5, None)


def test_chain_verify_names_altered_event() -> None:
    events = _events(5)
    i, prev, h, content = events[2]
    events[2] = (i, prev, h, {**content, "action": "forged"})
    count, broken = chain.verify(events)
    assert broken is not None
    assert broken.event_id == 3
    assert "altered" in broken.reason


def test_chain_verify_names_event_after_a_removed_one() -> None:
    events = _events(5)
    del events[1]
    _count, broken = chain.verify(events)
    assert broken is not None and broken.event_id == 3


def test_chain_hash_depends_on_previous_hash() -> None:
    content = {"action": "x"}
    assert chain.event_hash(chain.GENESIS_HASH, content) != chain.event_hash("1" * 64, content)
