"""The client's address, the one function every part of Égide uses (lock-out, audit trail).

Behind ``EGIDE_TRUSTED_PROXY_COUNT`` reverse proxies, the peer is the last proxy and each proxy
appended the address it saw to ``X-Forwarded-For``: the client is the N-th entry from the right.
Entries further left were written by the client itself and are never trusted. Without trusted
proxies, or when the header is missing, short or malformed, the peer address is the client.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

PEER_ADDR = "EGIDE_PEER_ADDR"


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_address(*, peer: str | None, forwarded_for: str, proxies: int) -> str | None:
    """The client address given the peer, the X-Forwarded-For header and the trusted proxies."""
    if proxies <= 0 or not forwarded_for:
        return peer
    hops = [h for h in (part.strip() for part in forwarded_for.split(",")) if h]
    if len(hops) < proxies:
        return peer
    return _valid(hops[-proxies]) or peer


def client_ip(request: HttpRequest) -> str | None:
    """The client address of *request* (the original peer is kept in ``META[PEER_ADDR]``)."""
    if PEER_ADDR in request.META:
        return request.META.get("REMOTE_ADDR") or None
    return client_address(
        peer=request.META.get("REMOTE_ADDR") or None,
        forwarded_for=request.META.get("HTTP_X_FORWARDED_FOR", ""),
        proxies=int(getattr(settings, "EGIDE_TRUSTED_PROXY_COUNT", 0)),
    )
