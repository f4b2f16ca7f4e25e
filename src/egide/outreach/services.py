"""Recording outreach; audited in the same transaction."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from egide.audit.services import audit_record
from egide.outreach.models import AUDIENCE_FIELDS, REACH_FIELDS, Ambassador, Dialogue

NEGATIVE = _("Counts cannot be negative (%(field)s).")
NO_FACILITATOR = _("Name the facilitator: an ambassador, a team or an organisation.")


class OutreachError(ValueError):
    """Bad outreach data; the message names the problem."""


@transaction.atomic
def dialogue_record(
    *,
    actor: Any,
    held_on: date,
    region: Any,
    format: str,
    topics: str,
    language: str,
    counts: dict[str, int],
    prefecture: Any = None,
    locality: str = "",
    ambassador: Any = None,
    team: Any = None,
    organisation: Any = None,
    follow_up: str = "",
    alerts: list[Any] | None = None,
) -> Dialogue:
    """Record a dialogue with its reach counts; a negative count saves nothing."""
    for name in [f for f, _s, _a in REACH_FIELDS] + AUDIENCE_FIELDS:
        if counts.get(name, 0) < 0:
            raise OutreachError(str(NEGATIVE % {"field": name}))
    if ambassador is None and team is None and organisation is None:
        raise OutreachError(str(NO_FACILITATOR))
    dialogue = Dialogue.objects.create(
        held_on=held_on,
        region=region,
        prefecture=prefecture,
        locality=locality,
        ambassador=ambassador,
        team=team,
        organisation=organisation,
        format=format,
        topics=topics,
        language=language,
        follow_up=follow_up,
        recorded_by=actor,
        **{
            k: v
            for k, v in counts.items()
            if k in dict.fromkeys([f for f, _s, _a in REACH_FIELDS] + AUDIENCE_FIELDS)
        },
    )
    dialogue.alerts.set(alerts or [])
    audit_record(
        actor=actor,
        action="outreach.dialogue_recorded",
        obj=dialogue,
        details={"reached": dialogue.reached},
    )
    return dialogue


@transaction.atomic
def ambassador_register(
    *,
    actor: Any,
    full_name: str,
    prefecture: Any,
    appointed_on: date,
    organisation: Any,
    languages: str = "",
    training_received: str = "",
    user: Any = None,
    is_fictitious: bool = False,
) -> Ambassador:
    ambassador = Ambassador.objects.create(
        full_name=full_name,
        prefecture=prefecture,
        appointed_on=appointed_on,
        organisation=organisation,
        languages=languages,
        training_received=training_received,
        user=user,
        is_fictitious=is_fictitious,
    )
    audit_record(actor=actor, action="outreach.ambassador_registered", obj=ambassador)
    return ambassador


@transaction.atomic
def team_create(*, actor: Any, name: str, region: Any, members: list[Any]) -> Any:
    """Create a community support team of ambassadors."""
    from egide.outreach.models import Team

    team = Team.objects.create(name=name, region=region)
    team.members.set(members)
    audit_record(
        actor=actor, action="outreach.team_created", obj=team, details={"members": len(members)}
    )
    return team
