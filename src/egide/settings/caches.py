"""The cache every process shares: Redis when a URL is given, else a table of the database.

Pure Python (no Django import): checked by mypy --strict."""

from __future__ import annotations

from typing import Any

# Table of Django's database cache (created by `createcachetable`).
CACHE_TABLE = "egide_cache"
# Keys of every Égide instance sharing a Redis server start with this prefix.
KEY_PREFIX = "egide"


def cache_settings(redis_url: str) -> dict[str, dict[str, Any]]:
    """Django's CACHES: Django's own Redis backend for *redis_url*, else the database cache."""
    if redis_url.strip():
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": redis_url.strip(),
                "KEY_PREFIX": KEY_PREFIX,
                # A cache that stops answering must not hang the page for long.
                "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
            }
        }
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
            "KEY_PREFIX": KEY_PREFIX,
            # Expired rows go first; past this many live entries Django deletes a third of them
            # (its default, 300, could reset the rate counters of busy users).
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }


def session_engine(redis_url: str) -> str:
    """Sessions read from Redis (written through to the database) when there is one: one
    database query less on every page; with the database cache they stay in the database."""
    if redis_url.strip():
        return "django.contrib.sessions.backends.cached_db"
    return "django.contrib.sessions.backends.db"
