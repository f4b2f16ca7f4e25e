"""The cache is shared by every process (issue 10): an API throttle counted by one gunicorn
worker is seen by the others, with Redis (EGIDE_REDIS_URL) and with the database cache."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.management import call_command
from django.db import connection
from rest_framework.throttling import UserRateThrottle

from egide.settings.caches import CACHE_TABLE, cache_settings, session_engine

REDIS_URL = os.environ.get("EGIDE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_up() -> bool:
    host_port = REDIS_URL.split("//", 1)[1].split("/", 1)[0]
    host, _sep, port = host_port.partition(":")
    try:
        socket.create_connection((host, int(port or 6379)), timeout=1).close()
    except OSError:
        return False
    return True


class _Throttle(UserRateThrottle):
    rate = "3/minute"


def _request(user_id: int) -> Any:
    user = SimpleNamespace(pk=user_id, is_authenticated=True)
    return SimpleNamespace(user=user, META={"REMOTE_ADDR": "127.0.0.1"})


def _allowed(cache: Any, user_id: int) -> bool:
    """One API request of *user_id* through a worker holding its own *cache* connection."""
    throttle = _Throttle()
    throttle.cache = cache
    return bool(throttle.allow_request(_request(user_id), None))


def test_settings_choose_redis_when_a_url_is_given_else_the_database() -> None:
    redis = cache_settings("redis://cache.internal:6379/0")["default"]
    assert redis["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert redis["LOCATION"] == "redis://cache.internal:6379/0"
    database = cache_settings("")["default"]
    assert database["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert database["LOCATION"] == CACHE_TABLE
    # Sessions are read from Redis when there is one (written through to the database).
    assert session_engine("redis://cache.internal:6379/0").endswith(".cached_db")
    assert session_engine("").endswith(".db")


@pytest.mark.django_db
def test_migrate_created_the_cache_table() -> None:
    assert CACHE_TABLE in connection.introspection.table_names()
    call_command("createcachetable", verbosity=0)  # idempotent


@pytest.mark.django_db
def test_two_connections_to_the_database_cache_share_a_throttle_count() -> None:
    first = DatabaseCache(CACHE_TABLE, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    second = DatabaseCache(CACHE_TABLE, {"KEY_PREFIX": first.key_prefix})
    assert first is not second
    answers = [_allowed(first, 7), _allowed(second, 7), _allowed(first, 7), _allowed(second, 7)]
    assert answers == [True, True, True, False]
    assert _allowed(second, 8)  # another user has their own count


def test_the_default_cache_is_not_per_process() -> None:
    backend = caches.create_connection("default")
    assert "locmem" not in type(backend).__module__


@pytest.fixture
def redis_caches() -> Iterator[tuple[Any, Any, str]]:
    if not _redis_up():
        pytest.skip(f"no Redis at {REDIS_URL}")
    from django.core.cache.backends.redis import RedisCache

    prefix = f"egide-test-{uuid.uuid4().hex}"
    first = RedisCache(REDIS_URL, {"KEY_PREFIX": prefix})
    second = RedisCache(REDIS_URL, {"KEY_PREFIX": prefix})
    yield first, second, prefix
    for key in ("throttle_user_7", "throttle_user_8"):
        first.delete(key)  # never clear(): the Redis database may be shared


def test_two_connections_to_redis_share_a_throttle_count(
    redis_caches: tuple[Any, Any, str],
) -> None:
    first, second, _prefix = redis_caches
    answers = [_allowed(first, 7), _allowed(second, 7), _allowed(first, 7), _allowed(second, 7)]
    assert answers == [True, True, True, False]


CHILD = r"""
import sys
import django
from django.conf import settings
settings.configure(
    CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                        "LOCATION": sys.argv[1], "KEY_PREFIX": sys.argv[2]}},
    REST_FRAMEWORK={"DEFAULT_THROTTLE_RATES": {"user": "3/minute"}},
)
django.setup()
from types import SimpleNamespace
from rest_framework.throttling import UserRateThrottle
request = SimpleNamespace(user=SimpleNamespace(pk=7, is_authenticated=True), META={})
print("allowed" if UserRateThrottle().allow_request(request, None) else "refused")
"""


def test_another_process_sees_the_count_in_redis(redis_caches: tuple[Any, Any, str]) -> None:
    """Three requests in this process; a fourth in another process (another gunicorn worker)
    is refused."""
    first, _second, prefix = redis_caches
    assert all(_allowed(first, 7) for _ in range(3))
    src = str(Path(__file__).resolve().parents[3])
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", CHILD, REDIS_URL, prefix],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": src, "DJANGO_SETTINGS_MODULE": ""},
    )
    assert out.stdout.strip() == "refused", out.stderr
