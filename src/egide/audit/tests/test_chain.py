"""The keyed hash chain and its verification, without a database."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from egide.audit import chain

KEY = b"test-key-for-the-chain-0123456789abcdef"


def _links(n: int, key: bytes = KEY) -> list[chain.Link]:
    links, prev = [], chain.GENESIS_HASH
    for i in range(1, n + 1):
        content: dict[str, Any] = {"id": 100 + i, "action": f"test.{i}", "details": {"n": i}}
        prev = chain.link_hash(key, prev, i, content)
        links.append(chain.Link(i, 100 + i, prev, content))
    return links


def _checkpoint(links: list[chain.Link], size: int) -> chain.TrustedCheckpoint:
    return chain.TrustedCheckpoint(size, links[size - 1].stored_hash, "T", "file line 1")


def _kinds(report: chain.ChainReport) -> set[str]:
    return {f.kind for f in report.findings}


def test_chain_verify_accepts_intact_chain_and_matches_checkpoints() -> None:
    links = _links(5)
    report = chain.verify_chain(links, KEY, [_checkpoint(links, 3), _checkpoint(links, 5)])
    assert report.findings == []
    assert (report.sealed, report.tree_size, report.checkpoints_matched) == (5, 5, 2)


def test_chain_link_hash_needs_the_key() -> None:
    content = {"id": 1, "action": "x"}
    assert chain.link_hash(KEY, chain.GENESIS_HASH, 1, content) != chain.link_hash(
        b"another key", chain.GENESIS_HASH, 1, content
    )
    try:
        chain.link_hash(b"", chain.GENESIS_HASH, 1, content)
    except ValueError:
        pass
    else:  # pragma: no cover
        raise AssertionError("an empty key must be refused")


def test_chain_verify_names_altered_event() -> None:
    links = _links(5)
    links[2] = chain.Link(3, 103, links[2].stored_hash, {**links[2].content, "action": "forged"})
    report = chain.verify_chain(links, KEY, [_checkpoint(_links(5), 5)])
    assert _kinds(report) == {chain.REWRITING}
    assert "first event 103 at position 3" in str(report.findings[0])


def test_chain_verify_sees_a_chain_recomputed_without_the_key() -> None:
    links = _links(5)
    forged = _links(5, key=b"attacker's guess of the key")
    report = chain.verify_chain(forged, KEY, [_checkpoint(links, 5)])
    assert chain.REWRITING in _kinds(report)
    assert any("5 event(s) do not match their keyed hash" in str(f) for f in report.findings)


def test_chain_verify_names_deleted_positions_and_truncation() -> None:
    links = _links(6)
    cp = _checkpoint(links, 6)
    gap = chain.verify_chain([links[0], links[3], links[4]], KEY, [cp])
    assert _kinds(gap) == {chain.DELETION, chain.TRUNCATION}
    assert "position(s) 2–3" in str(gap.findings[0])
    tail = chain.verify_chain(links[:4], KEY, [cp])
    assert _kinds(tail) == {chain.TRUNCATION}
    assert "the last 2 sealed event(s) were deleted" in str(tail.findings[0])
    empty = chain.verify_chain([], KEY, [cp])
    assert "TRUNCATE" in str(empty.findings[0])


def test_chain_verify_without_checkpoints_still_checks_each_link() -> None:
    links = _links(3)
    assert chain.verify_chain(links, KEY, []).findings == []
    assert chain.verify_chain(links, b"wrong key", []).findings[0].kind == chain.REWRITING


@given(n=st.integers(min_value=1, max_value=30), data=st.data())
@settings(max_examples=60, deadline=None)
def test_chain_any_removal_or_edit_is_found(n: int, data: st.DataObject) -> None:
    links = _links(n)
    checkpoints = [_checkpoint(links, n)]
    assert chain.verify_chain(links, KEY, checkpoints).findings == []
    removed = data.draw(st.sets(st.integers(min_value=0, max_value=n - 1), min_size=1))
    kept = [link for i, link in enumerate(links) if i not in removed]
    assert chain.verify_chain(kept, KEY, checkpoints).findings != []
    edited = data.draw(st.integers(min_value=0, max_value=n - 1))
    forged = list(links)
    forged[edited] = chain.Link(
        edited + 1, 100 + edited + 1, links[edited].stored_hash, {"id": 0, "action": "forged"}
    )
    kinds = {f.kind for f in chain.verify_chain(forged, KEY, checkpoints).findings}
    assert chain.REWRITING in kinds
