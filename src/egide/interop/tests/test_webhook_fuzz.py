"""Whatever a gateway posts, the readers answer a Message or a BadPayload (never an exception
of another kind), and the webhooks never answer 500."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from egide.interop import webhooks

# Text with lone surrogates too (what a JSON escape "\ud800" decodes to).
TEXT = st.text(max_size=30) | st.text(
    alphabet=st.characters(min_codepoint=0xD7F0, max_codepoint=0xE010), max_size=4
)
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["contact", "urn", "results", "value", "input", "text", "uuid", "run"])
            | st.text(max_size=8),
            children,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@given(st.binary(max_size=600))
def test_readers_accept_or_refuse_any_bytes(body: bytes) -> None:
    for read in (
        webhooks.read_rapidpro,
        lambda b: webhooks.read_africastalking(b, "application/x-www-form-urlencoded"),
    ):
        try:
            message = read(body)
        except webhooks.BadPayload:
            continue
        assert isinstance(message, webhooks.Message) and message.message_id


@given(JSONISH)
def test_rapidpro_reader_accepts_or_refuses_any_json(document: Any) -> None:
    try:
        message = webhooks.read_rapidpro(json.dumps(document).encode())
    except webhooks.BadPayload as bad:
        assert bad.code in (
            webhooks.NOT_UTF8,
            webhooks.NOT_JSON,
            webhooks.MISSING,
            webhooks.BAD_FIELD,
            webhooks.TOO_LONG,
        )
    else:
        assert message.sender is not None


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=200) | TEXT, extra=JSONISH, results=JSONISH)
def test_webhooks_never_answer_500(
    channel_of: Callable[[str], Any], text: str, extra: Any, results: Any
) -> None:
    from egide.interop.models import SmsChannel

    rapidpro = SmsChannel.objects.filter(kind="rapidpro").first()
    if rapidpro is None:
        rapidpro, secret = channel_of("rapidpro")
        _SECRETS[rapidpro.pk] = secret
    body = {
        "contact": {"urn": "tel:+224620000001"},
        "results": {"message": {"value": text}} if len(text) % 2 else results,
        "input": {"text": text} if text else extra,
    }
    response = Client().post(
        reverse("interop:rapidpro_webhook", args=[rapidpro.public_id]),
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {_SECRETS[rapidpro.pk]}",
    )
    assert response.status_code in (200, 400, 429), response.content


# The channel made by the first example, reused by the next ones (same test transaction).
_SECRETS: dict[int, str] = {}
