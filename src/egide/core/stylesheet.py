"""The one small stylesheet, inlined in every page so that a first visit over 3G needs no second
round trip before it can render; its SHA-256 goes into the Content-Security-Policy (no Django)."""

from __future__ import annotations

import base64
import hashlib
import re
from functools import lru_cache
from pathlib import Path

STYLESHEET = Path(__file__).resolve().parent / "static" / "egide" / "egide.css"


@lru_cache(maxsize=1)
def inline_css() -> str:
    """The stylesheet without comments and runs of blank space (about a third smaller)."""
    text = STYLESHEET.read_text(encoding="utf-8")
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"\s*\n\s*", "\n", text)
    return text.strip()


@lru_cache(maxsize=1)
def inline_css_hash() -> str:
    """The CSP source that allows exactly this inline stylesheet ('sha256-…')."""
    digest = hashlib.sha256(inline_css().encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


FAVICON = STYLESHEET.parent / "favicon.svg"


@lru_cache(maxsize=1)
def favicon_data_uri() -> str:
    """The 150-byte icon as a data: URI: one request less on a cold visit."""
    from urllib.parse import quote

    return "data:image/svg+xml," + quote(FAVICON.read_text(encoding="utf-8").strip(), safe=" =:/'")
