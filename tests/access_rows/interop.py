"""Access rows of the interoperability pages (SMS channels, CPIMS+) and the SMS webhooks.

The webhooks belong to no role: without the channel's secret everyone, signed in or not, gets
401 and nothing is created."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from egide.accounts import roles
from egide.accounts.models import User
from tests.access_rows import Row

ADMIN = frozenset({roles.ADMINISTRATOR})
CHANNEL_READERS = frozenset({roles.ADMINISTRATOR, roles.CASE_SUPERVISOR, roles.COORDINATOR})
CASE_TEAM = frozenset({roles.CASE_WORKER, roles.CASE_SUPERVISOR})


def _channel(persona: Callable[[str], User], kind: str = "rapidpro") -> Any:
    from egide.core.models import Region
    from egide.interop.services import sms_channel_create

    admin = persona(roles.ADMINISTRATOR)
    channel, _secret = sms_channel_create(
        actor=admin,
        name={"rapidpro": "TextIt Labé", "africastalking": "Code court 38383"}[kind] + " (fictif)",
        kind=kind,
        organisation=admin.organisation,
        default_region=Region.objects.get(code="GN-L"),
    )
    return channel


def _channel_pk(persona: Callable[[str], User]) -> dict[str, Any]:
    return {"pk": _channel(persona).pk}


def _rapidpro(persona: Callable[[str], User]) -> dict[str, Any]:
    return {"channel": _channel(persona).public_id}


def _africastalking(persona: Callable[[str], User]) -> dict[str, Any]:
    return {"channel": _channel(persona, "africastalking").public_id}


def _child_case(persona: Callable[[str], User]) -> dict[str, Any]:
    from egide.cases.services import case_open
    from egide.core.models import Region

    worker = persona(roles.CASE_WORKER)
    case = case_open(actor=worker, region=Region.objects.get(code="GN-L"), owner=worker, child=True)
    return {"pk": case.pk}


RAPIDPRO_BODY = {
    "contact": {"uuid": "c-1", "name": "Relais (fictif)", "urn": "tel:+224620000009"},
    "flow": {"uuid": "f-1", "name": "Alerte"},
    "results": {"message": {"value": "ALERTE LABE URGENT (fictif)", "category": "All"}},
}

ROWS: dict[str, Row] = {
    "interop:sms_channels": Row(CHANNEL_READERS, denied_status=(404,)),
    "interop:sms_channel_create": Row(ADMIN, denied_status=(404,)),
    "interop:sms_channel_edit": Row(ADMIN, denied_status=(404,), setup=_channel_pk),
    # Shows a new secret once (a POST).
    "interop:sms_channel_secret": Row(
        ADMIN, denied_status=(404,), method="post", setup=_channel_pk
    ),
    "interop:rapidpro_webhook": Row(
        frozenset(), denied_status=(401,), method="post", json=RAPIDPRO_BODY, setup=_rapidpro
    ),
    "interop:africastalking_webhook": Row(
        frozenset(), denied_status=(401,), method="post", setup=_africastalking
    ),
    "interop:cpims_connection": Row(ADMIN, denied_status=(404,)),
    "interop:cpims_refer": Row(CASE_TEAM, denied_status=(404,), setup=_child_case),
}
