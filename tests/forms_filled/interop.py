"""Filled submissions of the interoperability forms: SMS channel, CPIMS+ connection, and the
referral of a child's case to CPIMS+."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from egide.accounts import roles
from tests.forms_filled import YESTERDAY, Ctx, Entry, Persona, labe, url


def _admin_org(persona: Persona) -> Ctx:
    admin = persona(roles.ADMINISTRATOR)
    return {"organisation": admin.organisation, "region": labe()}


def _check_channel(ctx: Ctx, response: Any) -> None:
    from egide.interop.models import SmsChannel

    channel = SmsChannel.objects.get(name="Code court 38383 (fictif)")
    assert channel.kind == "africastalking" and channel.default_region == ctx["region"]
    assert channel.is_active and channel.secret_digest
    assert str(channel.public_id) in response.content.decode()  # the address, shown once


def _check_connection(ctx: Ctx, response: Any) -> None:
    from egide.interop.models import CpimsConnection

    connection = CpimsConnection.objects.get()
    assert connection.base_url == "https://cpims.example.org"
    assert connection.username == "egide-api" and connection.password == "Secret-CPIMS-2026"
    assert connection.field_map["birth_date"] == "dob" and connection.logins_per_minute == 2


def _child_with_consent(persona: Persona) -> Ctx:
    from egide.cases.services import case_open, consent_record
    from egide.interop.cpims_rules import DEFAULT_FIELD_MAP
    from egide.interop.services import cpims_connection_save

    cpims_connection_save(
        actor=persona(roles.ADMINISTRATOR),
        base_url="http://127.0.0.1:9",
        username="egide-api",
        password="x",
        module_id="primeromodule-cp",
        protection_concerns="trafficked",
        field_map=dict(DEFAULT_FIELD_MAP),
        logins_per_minute=3,
        enabled=True,
    )
    worker = persona(roles.CASE_WORKER)
    case = case_open(actor=worker, region=labe(), owner=worker, child=True, first_name="Kadiatou")
    consent_record(
        actor=worker,
        case=case,
        purpose="cpims",
        decision="best_interests",
        given_by="bid_panel",
        language="pular",
        decided_on=YESTERDAY,
    )
    return {"pk": case.pk, "case": case}


def _check_referral(ctx: Ctx, response: Any) -> None:
    from egide.interop.models import CpimsReferral

    referral = CpimsReferral.objects.get(case=ctx["case"])
    assert referral.status == "queued" and referral.job_id is not None
    assert set(referral.fields) == {
        "first_name",
        "last_name",
        "sex",
        "age",
        "birth_date",
        "protection_concerns",
    }


ENTRIES: dict[str, Entry] = {
    "egide.interop.forms.SmsChannelForm": Entry(
        persona=roles.ADMINISTRATOR,
        setup=_admin_org,
        url=lambda ctx: reverse("interop:sms_channel_create"),
        values=lambda ctx: {
            "name": "Code court 38383 (fictif)",
            "kind": "africastalking",
            "organisation": ctx["organisation"].pk,
            "default_region": ctx["region"].pk,
            "is_active": "on",
        },
        status=(200,),
        check=_check_channel,
    ),
    "egide.interop.forms.CpimsConnectionForm": Entry(
        persona=roles.ADMINISTRATOR,
        url=lambda ctx: reverse("interop:cpims_connection"),
        values=lambda ctx: {
            "base_url": "https://cpims.example.org/",
            "username": "egide-api",
            "password": "Secret-CPIMS-2026",
            "module_id": "primeromodule-cp",
            "protection_concerns": "trafficked, sexual_exploitation",
            "logins_per_minute": "2",
            "enabled": "on",
            "map_first_name": "name_first",
            "map_last_name": "name_last",
            "map_sex": "sex",
            "map_age": "age",
            "map_birth_date": "dob",
            "map_protection_concerns": "protection_concerns",
        },
        status=(302,),
        check=_check_connection,
    ),
    "egide.interop.forms.CpimsReferForm": Entry(
        persona=roles.CASE_WORKER,
        setup=_child_with_consent,
        url=url("interop:cpims_refer", pk="pk"),
        values=lambda ctx: {
            "fields_sent": [
                "first_name",
                "last_name",
                "sex",
                "age",
                "birth_date",
                "protection_concerns",
            ]
        },
        status=(302,),
        check=_check_referral,
    ),
}
