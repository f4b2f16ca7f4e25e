"""Issue 8, item 8: an assessment is visible exactly to those who may see its case; one without a
case to its author's team (the author and the case supervisors of the author's organisation in
the assessment's region)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from egide.accounts import roles
from egide.accounts.models import User
from egide.cases.services import case_open
from egide.core.models import Region
from egide.screening.contract import parse_input
from egide.screening.models import Assessment
from egide.screening.selectors import assessments_for
from egide.screening.services import assessment_create
from tests.personas import make_user

pytestmark = pytest.mark.django_db


def _assessment(author: User, case: Any = None, region: Region | None = None) -> Assessment:
    return assessment_create(
        actor=author,
        data=parse_input({"person": {"age": 16}, "indicators": ["act.recruited"]}),
        interview={},
        worker_agrees=True,
        case=case,
        region_id=region.pk if region else None,
    )


def _sees(client_as: Callable[[User], Client], user: User, assessment: Assessment) -> bool:
    in_selector = assessments_for(user).filter(pk=assessment.pk).exists()
    status = client_as(user).get(reverse("screening:detail", args=[assessment.pk])).status_code
    assert status in (200, 404)
    assert in_selector == (status == 200), (user.username, status)
    return in_selector


def test_an_assessment_attached_to_a_case_follows_the_case(
    persona: Callable[[str], User], client_as: Callable[[User], Client]
) -> None:
    labe = Region.objects.get(code="GN-L")
    owner = persona(roles.CASE_WORKER)
    supervisor = persona(roles.CASE_SUPERVISOR)
    colleague = make_user("colleague_same_org", roles.CASE_WORKER, owner.organisation, ["GN-L"])
    case = case_open(
        actor=owner, region=labe, owner=owner, first_name="Hawa", last_name="Touré (fictive)"
    )
    assessment = _assessment(owner, case=case, region=labe)
    assert _sees(client_as, owner, assessment)
    assert _sees(client_as, supervisor, assessment)
    # Same organisation, not on the case team: the case is hidden, so is its assessment.
    assert not _sees(client_as, colleague, assessment)


def test_an_assessment_without_a_case_follows_its_authors_team(
    persona: Callable[[str], User], client_as: Callable[[User], Client]
) -> None:
    labe = Region.objects.get(code="GN-L")
    author = persona(roles.CASE_WORKER)
    supervisor = persona(roles.CASE_SUPERVISOR)
    colleague = make_user("colleague_no_case", roles.CASE_WORKER, author.organisation, ["GN-L"])
    kankan_supervisor = make_user(
        "supervisor_same_org_kankan", roles.CASE_SUPERVISOR, author.organisation, ["GN-K"]
    )
    in_labe = _assessment(author, region=labe)
    nowhere = _assessment(author)
    for assessment in (in_labe, nowhere):
        assert _sees(client_as, author, assessment)
        assert _sees(client_as, supervisor, assessment)
        assert not _sees(client_as, colleague, assessment)
    # A supervisor of the organisation in another region sees the region-less one only.
    assert not _sees(client_as, kankan_supervisor, in_labe)
    assert _sees(client_as, kankan_supervisor, nowhere)
