"""Name search without decryption: keyed blind-index tokens of spelling-tolerant name skeletons.

Pure Python apart from the key. A name is split in words; each word is reduced to a skeleton
that forgets accents, case, doubled letters and common West African French spelling variants
(ou/u, c/k, y/i, ph/f, a final h), so that "Mamadou Diallo", "mamadou dialo" and "Mamadu Dyalo"
share their tokens. Only HMACs of skeletons are stored, never the skeletons themselves.
"""

from __future__ import annotations

import re

from egide.core.crypto import blind_index, normalise_for_index

_NOT_LETTER = re.compile(r"[^a-z]+")
_VARIANTS = (("ph", "f"), ("ou", "u"), ("dj", "j"), ("c", "k"), ("q", "k"), ("y", "i"), ("w", "u"))


def skeleton(word: str) -> str:
    """The spelling-tolerant form of one word ('' for a word with no letters)."""
    text = _NOT_LETTER.sub("", normalise_for_index(word))
    for old, new in _VARIANTS:
        text = text.replace(old, new)
    collapsed: list[str] = []
    for char in text:
        if not collapsed or collapsed[-1] != char:
            collapsed.append(char)
    text = "".join(collapsed)
    if len(text) > 2 and text.endswith("h"):
        text = text[:-1]
    return text


def name_tokens(*names: str) -> set[str]:
    """Blind-index tokens for every word of *names* (words of 2 letters or more)."""
    tokens = set()
    for name in names:
        for word in re.split(r"[\s\-']+", name or ""):
            skel = skeleton(word)
            if len(skel) >= 2:
                tokens.add(blind_index(skel))
    return tokens
