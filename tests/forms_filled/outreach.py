"""Filled submissions of the dialogue, ambassador, team and reach-filter forms."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse

from egide.accounts import roles
from tests.forms_filled import YESTERDAY, Ctx, Entry, Persona, labe, labe_prefecture

COUNTS = {
    "female_u18": 3,
    "female_18_24": 5,
    "female_25_59": 7,
    "female_60p": 1,
    "male_u18": 2,
    "male_18_24": 6,
    "male_25_59": 4,
    "male_60p": 1,
    "community_leaders": 2,
    "religious_leaders": 1,
    "youth": 9,
    "potential_migrants": 4,
    "returnees": 2,
    "families": 3,
}


def _ambassador(persona: Persona) -> Any:
    from egide.outreach.services import ambassador_register

    ambassador = ambassador_register(
        actor=persona(roles.COORDINATOR),
        full_name="Alpha Barry",
        prefecture=labe_prefecture(),
        appointed_on=YESTERDAY,
        organisation=persona(roles.MIGRANT_AMBASSADOR).organisation,
    )
    ambassador.user = persona(roles.MIGRANT_AMBASSADOR)
    ambassador.save()
    return ambassador


def _dialogue_ctx(persona: Persona) -> Ctx:
    from egide.cases.services import alert_raise
    from egide.outreach.services import team_create

    ambassador = _ambassador(persona)
    team = team_create(
        actor=persona(roles.COORDINATOR),
        name="Équipe Daralabé",
        region=labe(),
        members=[ambassador],
    )
    alert = alert_raise(
        actor=persona(roles.MIGRANT_AMBASSADOR),
        region=labe(),
        seen_on=YESTERDAY,
        person_description="jeune homme prêt à partir (fictif)",
        what_was_seen="passeur annoncé au marché (fictif)",
        urgency="normal",
    )
    return {"ambassador": ambassador, "team": team, "alert": alert}


def _check_dialogue(ctx: Ctx, response: Any) -> None:
    from egide.outreach.models import Dialogue

    dialogue = Dialogue.objects.get()
    assert dialogue.region == labe() and dialogue.prefecture == labe_prefecture()
    assert dialogue.held_on == YESTERDAY and dialogue.locality == "Sannoun"
    assert dialogue.ambassador == ctx["ambassador"] and dialogue.team == ctx["team"]
    assert dialogue.organisation == ctx["ambassador"].organisation
    assert (dialogue.format, dialogue.topics, dialogue.language) == (
        "radio",
        "Risques de la route, numéro 116",
        "pular",
    )
    assert all(getattr(dialogue, name) == value for name, value in COUNTS.items())
    assert dialogue.follow_up == "Deuxième émission en mars (fictif)"
    assert list(dialogue.alerts.all()) == [ctx["alert"]]


def _check_ambassador(ctx: Ctx, response: Any) -> None:
    from egide.outreach.models import Ambassador

    ambassador = Ambassador.objects.get()
    assert ambassador.full_name == "Fanta Diakité" and ambassador.prefecture == labe_prefecture()
    assert ambassador.languages == "pular, français" and ambassador.appointed_on == YESTERDAY
    assert ambassador.training_received == "Module 1 (fictif)"


def _team_ctx(persona: Persona) -> Ctx:
    return {"ambassador": _ambassador(persona)}


def _check_team(ctx: Ctx, response: Any) -> None:
    from egide.outreach.models import Team

    team = Team.objects.get()
    assert team.name == "Équipe de Mali (fictive)" and team.region == labe()
    assert list(team.members.all()) == [ctx["ambassador"]]


def _check_reach(ctx: Ctx, response: Any) -> None:
    assert response.context["reach"]["totals"]["people_reached_by_dialogues"] == 0


def _dialogues(persona: Persona) -> Ctx:
    """One dialogue matching every filter and, for each filter, one that only it leaves out."""
    from egide.core.models import Region
    from egide.outreach.services import dialogue_record

    ambassador = _ambassador(persona)
    base: dict[str, Any] = {
        "actor": persona(roles.MIGRANT_AMBASSADOR),
        "held_on": YESTERDAY,
        "region": labe(),
        "format": "radio",
        "topics": "Émission sur les risques de la route",
        "language": "pular",
        "counts": {"youth": 5},
        "ambassador": ambassador,
    }
    coordinator = persona(roles.COORDINATOR)
    found = {
        "match": dialogue_record(**base),
        "words": dialogue_record(**{**base, "topics": "Causerie sur l’école"}),
        "region": dialogue_record(
            **{
                **base,
                "region": Region.objects.get(code="GN-K"),
                "topics": "Sur la route de Kankan",
            }
        ),
        "format": dialogue_record(**{**base, "format": "dialogue", "topics": "Débat sur la route"}),
        "date": dialogue_record(
            **{**base, "held_on": YESTERDAY - timedelta(days=30), "topics": "Sur la route, avant"}
        ),
        "theirs": dialogue_record(
            **{
                **base,
                "actor": coordinator,
                "ambassador": None,
                "organisation": coordinator.organisation,
                "topics": "La route, par la coordination",
            }
        ),
    }
    return {"dialogues": found}


def _check_dialogue_search(ctx: Ctx, response: Any) -> None:
    assert list(response.context["page"]) == [ctx["dialogues"]["match"]]
    assert "Émission sur les risques de la route" in response.content.decode()


ENTRIES: dict[str, Entry] = {
    "egide.outreach.forms.DialogueForm": Entry(
        persona=roles.MIGRANT_AMBASSADOR,
        setup=_dialogue_ctx,
        url=lambda ctx: reverse("outreach:dialogue_create"),
        values=lambda ctx: {
            "held_on": YESTERDAY.isoformat(),
            "region": labe().pk,
            "prefecture": labe_prefecture().pk,
            "locality": "Sannoun",
            "ambassador": ctx["ambassador"].pk,
            "team": ctx["team"].pk,
            "organisation": ctx["ambassador"].organisation_id,
            "format": "radio",
            "topics": "Risques de la route, numéro 116",
            "language": "pular",
            **{name: str(value) for name, value in COUNTS.items()},
            "follow_up": "Deuxième émission en mars (fictif)",
            "alerts": [ctx["alert"].pk],
        },
        status=(302,),
        check=_check_dialogue,
    ),
    "egide.outreach.forms.AmbassadorForm": Entry(
        persona=roles.COORDINATOR,
        url=lambda ctx: reverse("outreach:ambassadors"),
        values=lambda ctx: {
            "full_name": "Fanta Diakité",
            "prefecture": labe_prefecture().pk,
            "languages": "pular, français",
            "appointed_on": YESTERDAY.isoformat(),
            "organisation": ctx_org(),
            "training_received": "Module 1 (fictif)",
        },
        status=(302,),
        check=_check_ambassador,
    ),
    "egide.outreach.forms.TeamForm": Entry(
        persona=roles.COORDINATOR,
        setup=_team_ctx,
        url=lambda ctx: reverse("outreach:ambassadors"),
        values=lambda ctx: {
            "form": "team",
            "name": "Équipe de Mali (fictive)",
            "region": labe().pk,
            "members": [ctx["ambassador"].pk],
        },
        status=(302,),
        check=_check_team,
    ),
    "egide.outreach.forms.ReachFilterForm": Entry(
        persona=roles.COORDINATOR,
        url=lambda ctx: reverse("outreach:reach"),
        method="get",
        values=lambda ctx: {
            "region": labe().pk,
            "date_from": "2026-01-01",
            "date_to": "2026-12-31",
        },
        status=(200,),
        check=_check_reach,
    ),
    "egide.outreach.forms.DialogueSearchForm": Entry(
        persona=roles.MIGRANT_AMBASSADOR,
        setup=_dialogues,
        url=lambda ctx: reverse("outreach:dialogues"),
        method="get",
        values=lambda ctx: {
            "q": "route",
            "region": labe().pk,
            "format": "radio",
            "date_from": (YESTERDAY - timedelta(days=7)).isoformat(),
            "date_to": YESTERDAY.isoformat(),
            "mine": "on",
        },
        status=(200,),
        check=_check_dialogue_search,
    ),
}


def ctx_org() -> int:
    from egide.accounts.models import Organisation

    return Organisation.objects.order_by("pk").values_list("pk", flat=True).first() or 0
