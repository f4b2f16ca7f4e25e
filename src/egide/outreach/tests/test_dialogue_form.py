"""The dialogue form: pre-filled from the account, scoped ambassador names (audited),
prefectures of the chosen region; the dialogue list's search; an ambassador's own reach."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from egide.accounts import roles
from egide.accounts.models import Organisation, User
from egide.audit.models import AuditEvent
from egide.core.models import Prefecture, Region
from egide.outreach import services
from egide.outreach.models import Ambassador, Dialogue
from tests.personas import make_organisation, make_user


@pytest.fixture
def forest(reference_data: None) -> Organisation:
    return make_organisation("Réseau Forêt (fictif)", ["GN-N"], type="cbo")


@pytest.fixture
def alpha(forest: Organisation) -> User:
    return make_user(
        "alpha", roles.MIGRANT_AMBASSADOR, forest, ["GN-N"], first_name="Alpha", last_name="Barry"
    )


@pytest.fixture
def ambassadors(alpha: User, forest: Organisation, labe_org: Organisation) -> Ambassador:
    coordinator = make_user("coord", roles.COORDINATOR, labe_org)
    services.ambassador_register(
        actor=coordinator,
        full_name="Fanta Barry (fictive)",
        prefecture=Prefecture.objects.filter(region__code="GN-L").first(),
        appointed_on=date(2023, 6, 1),
        organisation=labe_org,
    )
    services.ambassador_register(
        actor=coordinator,
        full_name="Mory Kourouma (fictif)",
        prefecture=Prefecture.objects.filter(region__code="GN-N").last(),
        appointed_on=date(2023, 6, 1),
        organisation=forest,
    )
    return services.ambassador_register(
        actor=coordinator,
        full_name="Alpha Barry",
        prefecture=Prefecture.objects.filter(region__code="GN-N").first(),
        appointed_on=date(2023, 6, 1),
        organisation=forest,
        user=alpha,
    )


def test_form_is_prefilled_with_the_ambassadors_own_record_and_scoped(
    alpha: User, ambassadors: Ambassador, client_as: Callable[[User], Client]
) -> None:
    response = client_as(alpha).get(reverse("outreach:dialogue_create"))
    form = response.context["form"]
    assert form.initial["ambassador"] == ambassadors
    assert form.initial["region"].code == "GN-N"
    assert form.initial["organisation"] == alpha.organisation
    names = [a.full_name for a in form.fields["ambassador"].queryset]
    assert sorted(names) == ["Alpha Barry", "Mory Kourouma (fictif)"]  # not Labé's Fanta
    prefectures = set(form.fields["prefecture"].queryset.values_list("region__code", flat=True))
    assert prefectures == {"GN-N"}
    event = AuditEvent.objects.get(action="outreach.ambassador_names_listed")
    assert event.actor_username == "alpha" and event.details["count"] == 2


def test_another_region_lists_its_prefectures_and_refuses_a_mismatch(
    alpha: User, ambassadors: Ambassador, client_as: Callable[[User], Client]
) -> None:
    labe = Region.objects.get(code="GN-L")
    response = client_as(alpha).post(
        reverse("outreach:dialogue_create"),
        {
            "held_on": "2026-03-10",
            "region": labe.pk,
            "prefecture": ambassadors.prefecture.pk,  # a Nzérékoré prefecture
            "ambassador": ambassadors.pk,
            "format": "dialogue",
            "topics": "traite",
            "language": "pular",
        },
    )
    assert response.status_code == 200 and not Dialogue.objects.exists()
    form = response.context["form"]
    assert "prefecture" in form.errors
    assert set(form.fields["prefecture"].queryset.values_list("region__code", flat=True)) == {
        "GN-L"
    }
    assert "pas encore enregistré" in response.content.decode()


def test_without_region_prefectures_are_grouped_by_region(reference_data: None) -> None:
    from egide.outreach.forms import DialogueForm

    form = DialogueForm()
    groups = [label for label, _options in form.fields["prefecture"].choices][1:]
    assert len(groups) == Region.objects.filter(prefectures__isnull=False).distinct().count()


def test_dialogue_list_search_filters_and_pages(
    alpha: User, ambassadors: Ambassador, client_as: Callable[[User], Client]
) -> None:
    nzerekore = Region.objects.get(code="GN-N")
    for i in range(26):
        services.dialogue_record(
            actor=alpha,
            held_on=date(2026, 1, 1 + i),
            region=nzerekore,
            format="radio" if i == 3 else "dialogue",
            topics="émission sur la traite" if i == 3 else f"causerie {i}",
            language="kissi",
            counts={"youth": 1},
            ambassador=ambassadors,
        )
    client = client_as(alpha)
    url = reverse("outreach:dialogues")
    found = client.get(url, {"q": "émission"})
    assert list(found.context["page"]) == [Dialogue.objects.get(format="radio")]
    assert len(client.get(url, {"format": "dialogue"}).context["page"]) == 25
    assert client.get(url).context["page"].has_next
    assert len(client.get(url, {"page": "2"}).context["page"]) == 1
    assert len(client.get(url, {"mine": "on", "page": "2"}).context["page"]) == 1


def test_ambassador_sees_own_reach(
    alpha: User, ambassadors: Ambassador, client_as: Callable[[User], Client]
) -> None:
    services.dialogue_record(
        actor=alpha,
        held_on=date(2026, 1, 5),
        region=Region.objects.get(code="GN-N"),
        format="dialogue",
        topics="traite",
        language="kissi",
        counts={"female_18_24": 4, "male_25_59": 3, "community_leaders": 2},
        ambassador=ambassadors,
    )
    response = client_as(alpha).get(reverse("outreach:reach"))
    assert response.status_code == 200
    assert response.context["reach"]["people_reached"] == 7
    assert "Ma portée" in response.content.decode()


def test_ambassadors_page_title_is_plain_text(
    persona: Callable[[str], User], client_as: Callable[[User], Client]
) -> None:
    body = client_as(persona(roles.COORDINATOR)).get(reverse("outreach:ambassadors"))
    title = body.content.decode().split("<title>")[1].split("</title>")[0]
    assert "<" not in title and title.startswith("Ambassadeurs")
