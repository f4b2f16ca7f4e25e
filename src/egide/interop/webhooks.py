"""Reading what SMS gateways post (pure Python, no Django): a RapidPro/TextIt "Call Webhook"
JSON body and an Africa's Talking inbound-SMS form. Shapes: ``shared/research/interop.md`` §6
(FE ``DEFAULT_BODY``, GOF legacy payload, COU africastalking handler — doc/third-party).

Every refusal is a :class:`BadPayload` whose code says what is wrong (the view answers 400).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import parse_qsl

from egide.core.jsonsafe import loads_bounded
from egide.interop.sms_parsing import MAX_TEXT, phone_from_urn

MAX_BODY = 64 * 1024
MAX_ID = 200
MAX_SENDER = 40
AT_FIELDS = ("from", "to", "text", "date", "id")
DERIVED_PREFIX = "sha256:"

# Refusal codes; the view words them (translated) with the parameters given.
TOO_BIG = "too_big"
NOT_UTF8 = "not_utf8"
NOT_JSON = "not_json"
NOT_FORM = "not_form"
MISSING = "missing"
TOO_LONG = "too_long"
BAD_DATE = "bad_date"
BAD_FIELD = "bad_field"


class BadPayload(ValueError):
    """The request cannot be read: *code* says why, *params* fill the message."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Message:
    message_id: str
    sender: str
    text: str
    seen_on: date | None = None
    results: dict[str, Any] = field(default_factory=dict)
    # True when the gateway gave no id and message_id is a digest of the content: the same
    # digest again is a retry only within a short window (the same person may text the same
    # words again later; that is a new message).
    derived_id: bool = False


def _decode(body: bytes) -> str:
    if len(body) > MAX_BODY:
        raise BadPayload(TOO_BIG)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadPayload(NOT_UTF8) from exc


def _check_unicode(value: Any) -> None:
    """Refuse a document holding a string that is not Unicode text (a lone surrogate escaped in
    JSON, ``"\\ud800"``): it could be neither hashed, encrypted nor stored. Keys included."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise BadPayload(NOT_UTF8) from exc
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _check_unicode(key)
            _check_unicode(item)
    elif isinstance(value, list):
        for item in value:
            _check_unicode(item)


def _text(value: Any, name: str, limit: int) -> str:
    if not isinstance(value, str) or len(value) > limit or "\x00" in value:
        raise BadPayload(BAD_FIELD, name=name)
    return value


def _check_length(text: str) -> None:
    if len(text) > MAX_TEXT:
        raise BadPayload(TOO_LONG, n=MAX_TEXT)


def read_rapidpro(body: bytes) -> Message:
    """The default body ``{contact{uuid,name,urn}, flow{uuid,name}, results{key:{value,
    category}}}`` or the legacy one (adds ``run{uuid}`` and ``input{uuid,text,…}``)."""
    try:
        document = loads_bounded(_decode(body))
    except ValueError as exc:
        if isinstance(exc, BadPayload):
            raise
        raise BadPayload(NOT_JSON) from exc
    if not isinstance(document, Mapping):
        raise BadPayload(NOT_JSON)
    _check_unicode(document)
    contact = document.get("contact")
    urn = contact.get("urn") if isinstance(contact, Mapping) else None
    results = document.get("results")
    run = document.get("run")
    given = document.get("input")
    input_text = given.get("text") if isinstance(given, Mapping) else None
    missing = []
    if not isinstance(urn, str) or not urn.strip():
        missing.append("contact.urn")
    if not isinstance(results, Mapping) and not isinstance(input_text, str):
        missing.append("results")
    if missing:
        raise BadPayload(MISSING, fields=", ".join(missing))
    if results is not None and not isinstance(results, Mapping):
        raise BadPayload(BAD_FIELD, name="results")
    assert isinstance(urn, str)  # noqa: S101 - checked above
    sender = phone_from_urn(_text(urn, "contact.urn", MAX_SENDER + 10))
    if not any(c.isalnum() for c in sender):
        raise BadPayload(MISSING, fields="contact.urn")
    text = _text(input_text, "input.text", MAX_TEXT * 4) if input_text is not None else ""
    _check_length(text)
    clean_results: dict[str, Any] = {}
    for key, entry in (results or {}).items():
        if isinstance(entry, Mapping):
            value = entry.get("value")
            if isinstance(value, str):
                _check_length(value)
                if "\x00" in value:
                    raise BadPayload(BAD_FIELD, name=f"results.{str(key)[:40]}")
            clean_results[str(key)[:100]] = {"value": value, "category": entry.get("category")}
    message_id = ""
    derived = False
    for source in (given, run):
        if isinstance(source, Mapping) and isinstance(source.get("uuid"), str):
            message_id = _text(source["uuid"], "uuid", MAX_ID)
            break
    if not message_id:
        # The default body carries no message id: a retry of it carries the same contact, flow
        # and results, and is recognised by their digest.
        flow = document.get("flow")
        canonical = json.dumps(
            {
                "contact": contact.get("uuid") if isinstance(contact, Mapping) else None,
                "urn": urn,
                "flow": flow.get("uuid") if isinstance(flow, Mapping) else None,
                "results": clean_results,
                "text": text,
            },
            sort_keys=True,
            ensure_ascii=False,
        )
        message_id = DERIVED_PREFIX + hashlib.sha256(canonical.encode("utf-8")).hexdigest()
        derived = True
    return Message(message_id, sender, text, None, clean_results, derived)


def parse_at_date(value: str) -> date:
    text = value.strip()
    for pattern in ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S.%fZ"):
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 - only the day is kept
        except ValueError:
            continue
    raise BadPayload(BAD_DATE)


def read_africastalking(body: bytes, content_type: str) -> Message:
    """The inbound-SMS callback: form fields ``from``, ``to``, ``text``, ``date``, ``id``."""
    if content_type.split(";")[0].strip().lower() != "application/x-www-form-urlencoded":
        raise BadPayload(NOT_FORM)
    raw = _decode(body)
    try:
        pairs = parse_qsl(raw, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError as exc:
        raise BadPayload(NOT_UTF8) from exc
    form: dict[str, str] = {}
    for key, value in pairs:
        form.setdefault(key, value)
    missing = [name for name in AT_FIELDS if name not in form]
    if missing:
        raise BadPayload(MISSING, fields=", ".join(missing))
    text = form["text"]
    _check_length(text)
    if "\x00" in text:
        raise BadPayload(BAD_FIELD, name="text")
    sender = _text(form["from"].strip(), "from", MAX_SENDER)
    message_id = _text(form["id"].strip(), "id", MAX_ID)
    if not any(c.isalnum() for c in sender):
        raise BadPayload(MISSING, fields="from")
    if not message_id:
        raise BadPayload(MISSING, fields="id")
    return Message(message_id, sender, text, parse_at_date(form["date"]))
