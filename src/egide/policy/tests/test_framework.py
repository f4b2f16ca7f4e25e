"""Reviews, the matrix and its scores, comparison, recommendations and the tracker."""

from __future__ import annotations

import html
import re
import subprocess
from collections.abc import Callable
from datetime import date
from io import BytesIO
from typing import Any

import pytest
from django.test import Client

from egide.accounts import roles
from egide.accounts.models import User
from egide.audit.models import AuditEvent
from egide.policy import rules, selectors, services
from egide.policy.models import (
    Assessment,
    Element,
    Institution,
    Provision,
    Review,
    TrackerItem,
    TrackerUpdate,
    Workshop,
)
from egide.policy.tests.conftest import fr

pytestmark = pytest.mark.django_db


def _assess(
    client: Client, review: Review, element: str, status: str, provisions: list[int]
) -> Any:
    return fr(
        client,
        f"/policy/reviews/{review.pk}/assess/",
        {
            "element": element,
            "status": status,
            "provisions": provisions,
            "evidence": "Code pénal 2016, art. 323 (rapport TIP 2017).",
            "reasoning": "L'amende peut remplacer la prison.",
        },
        post=True,
    )


def test_analyst_assesses_an_element_and_the_scores_change(
    analyst_client: Client, review: Review
) -> None:
    page = fr(analyst_client, f"/policy/reviews/{review.pk}/").content.decode()
    assert 'data-testid="score-penalties">—<' in page
    p323 = Provision.objects.get(code="penal_code_2016:323")
    response = _assess(analyst_client, review, "penalties", "partial", [p323.pk])
    assert response.status_code == 302
    a = Assessment.objects.get(review=review, element__code="penalties")
    assert list(a.provisions.all()) == [p323]
    assert AuditEvent.objects.filter(action="policy.element_assessed").count() == 1
    page = fr(analyst_client, f"/policy/reviews/{review.pk}/").content.decode()
    assert 'data-testid="score-penalties">50<' in page
    assert "50.0 / 100" in page or "50,0 / 100" in page


def test_the_stated_method_reproduces_the_overall_score(
    analyst_client: Client, review: Review
) -> None:
    for code, status in [
        ("criminalisation", "partial"),
        ("penalties", "gap"),
        ("child_provisions", "compliant"),
    ]:
        assert _assess(analyst_client, review, code, status, []).status_code == 302
    page = fr(analyst_client, f"/policy/reviews/{review.pk}/").content.decode()
    assert "conforme = 100, partiellement conforme = 50, lacune = 0" in page
    # By hand, following the method printed on the page: (50 + 0 + 100) / 3 elements assessed.
    by_hand = round((50 + 0 + 100) / 3, 1)
    scores = [int(s) for s in re.findall(r'data-testid="score-[a-z_]+">(\d+)<', page)]
    assert sorted(scores) == [0, 50, 100]
    assert round(sum(scores) / len(scores), 1) == by_hand == 50.0
    shown = re.search(r'data-testid="overall">.*?<strong>([\d.,]+) / 100', page, re.S)
    assert shown and float(shown.group(1).replace(",", ".")) == by_hand


def test_two_reviews_compared_show_the_change_per_element(
    analyst: Any, analyst_client: Client, review: Review
) -> None:
    older = Review.objects.create(title="Revue 2021 (test)", year=2021, held_on=date(2021, 11, 1))
    el = {e.code: e for e in Element.objects.all()}
    for r, status in ((older, "gap"), (review, "compliant")):
        services.assessment_record(
            actor=analyst,
            review=r,
            element=el["action_plan"],
            status=status,
            provisions=[],
            evidence="PAN",
            reasoning="test",
        )
    services.assessment_record(
        actor=analyst,
        review=older,
        element=el["penalties"],
        status="partial",
        provisions=[],
        evidence="CP",
        reasoning="test",
    )
    services.assessment_record(
        actor=analyst,
        review=review,
        element=el["penalties"],
        status="gap",
        provisions=[],
        evidence="CP",
        reasoning="test",
    )
    page = fr(
        analyst_client, "/policy/reviews/compare/", {"first": older.pk, "second": review.pk}
    ).content.decode()
    assert 'data-testid="change-action_plan">+100<' in page
    assert 'data-testid="change-penalties">-50<' in page
    assert 'data-testid="change-witness_protection">—<' in page


def test_unknown_element_is_refused_and_nothing_saved(
    analyst_client: Client, review: Review
) -> None:
    response = _assess(analyst_client, review, "no_such_element", "gap", [])
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Assessment.objects.exists()


def _recommend(client: Client, review: Review, deadline: str) -> Any:
    inst = Institution.objects.get(code="justice")
    return fr(
        client,
        f"/policy/reviews/{review.pk}/recommendations/new/",
        {
            "text": "Supprimer l'amende en lieu et place de la prison.",
            "elements": [Element.objects.get(code="penalties").pk],
            "institution": inst.pk,
            "proposed_on": "2023-11-20",
            "deadline": deadline,
            "priority": "high",
        },
        post=True,
    )


def test_deadline_before_the_recommendation_is_refused(
    analyst_client: Client, review: Review
) -> None:
    response = _recommend(analyst_client, review, "2023-11-19")
    assert response.status_code == 400
    assert "L’échéance ne peut pas précéder" in html.unescape(response.content.decode())
    assert not TrackerItem.objects.exists()


def test_recommendation_validated_assigned_and_in_progress(
    analyst_client: Client, review: Review, workshop: Workshop
) -> None:
    assert _recommend(analyst_client, review, "2024-12-31").status_code == 302
    item = TrackerItem.objects.get()
    justice = Institution.objects.get(code="cnltppa")
    board_before = next(b for b in selectors.institution_board() if b.institution == justice)
    response = fr(
        analyst_client,
        f"/policy/tracker/{item.pk}/validate/",
        {"workshop": workshop.pk, "outcome": "amended", "note": "Amendée en plénière."},
        post=True,
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.validation) == ("validated", "amended")
    response = fr(
        analyst_client,
        f"/policy/tracker/{item.pk}/assign/",
        {"institution": justice.pk, "deadline": "2023-10-01", "priority": "medium"},
        post=True,
    )
    assert response.status_code == 400  # before the proposal date
    item.refresh_from_db()
    assert item.institution.code == "justice"
    response = fr(
        analyst_client,
        f"/policy/tracker/{item.pk}/assign/",
        {"institution": justice.pk, "deadline": "2024-06-30", "priority": "medium"},
        post=True,
    )
    assert response.status_code == 302
    response = fr(
        analyst_client,
        f"/policy/tracker/{item.pk}/progress/",
        {
            "on": "2024-02-01",
            "status": "in_progress",
            "note": "Projet de texte rédigé.",
            "evidence": "Compte rendu du 1er février",
        },
        post=True,
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "in_progress"
    assert TrackerUpdate.objects.filter(item=item).count() == 2
    board_after = next(b for b in selectors.institution_board() if b.institution == justice)
    assert board_after.counts["in_progress"] == board_before.counts["in_progress"] + 1
    page = fr(analyst_client, "/policy/institutions/cnltppa/").content.decode()
    assert 'data-testid="board-in_progress">1<' in page
    assert 'data-testid="board-overdue">1<' in page  # 30 June 2024 has passed
    assert {
        "policy.item_created",
        "policy.item_validated",
        "policy.item_assigned",
        "policy.item_progress",
    } <= set(AuditEvent.objects.values_list("action", flat=True))


def test_a_closed_item_cannot_move(analyst: Any, review: Review) -> None:
    item = services.item_create(
        actor=analyst, kind="recommendation", text="x", proposed_on=date(2023, 1, 1), review=review
    )
    services.item_progress(
        actor=analyst, item=item, on=date(2023, 2, 1), status="abandoned", note="n"
    )
    with pytest.raises(services.PolicyError) as err:
        services.item_progress(
            actor=analyst, item=item, on=date(2023, 3, 1), status="in_progress", note="n"
        )
    assert err.value.field == "status"


def test_tracker_lists_overdue_items_in_few_queries(
    analyst: Any, analyst_client: Client, review: Review, django_assert_max_num_queries: Any
) -> None:
    inst = Institution.objects.get(code="cnt")
    for n in range(5):
        services.item_create(
            actor=analyst,
            kind="recommendation",
            text=f"Recommandation {n}",
            proposed_on=date(2023, 1, 1),
            deadline=date(2023, 6, 1),
            institution=inst,
            review=review,
            elements=[Element.objects.get(code="penalties")],
        )
    with django_assert_max_num_queries(12):
        page = fr(analyst_client, "/policy/tracker/").content.decode()
    assert page.count('class="late"') == 5


def test_review_reports_contain_the_element_and_the_recommendation(
    analyst: Any, analyst_client: Client, review: Review
) -> None:
    services.assessment_record(
        actor=analyst,
        review=review,
        element=Element.objects.get(code="penalties"),
        status="gap",
        provisions=[Provision.objects.get(code="penal_code_2016:343")],
        evidence="Art. 343",
        reasoning="trop faible",
    )
    services.item_create(
        actor=analyst,
        kind="recommendation",
        text='=HYPERLINK("http://x") relever les peines',
        proposed_on=date(2023, 11, 20),
        review=review,
        elements=[Element.objects.get(code="penalties")],
    )
    pdf = analyst_client.get(f"/policy/reviews/{review.pk}/report.pdf", HTTP_ACCEPT_LANGUAGE="fr")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True
    ).stdout.decode()
    assert "Peines" in text and "relever les peines" in text and "lacune" in text
    from openpyxl import load_workbook

    xlsx = analyst_client.get(f"/policy/reviews/{review.pk}/report.xlsx")
    book = load_workbook(BytesIO(xlsx.content))
    cell = book.worksheets[1]["A2"]
    assert cell.value == '\'=HYPERLINK("http://x") relever les peines' and cell.data_type == "s"
    assert AuditEvent.objects.filter(action="policy.report_exported").count() == 2


def test_workshop_page_counts_people_without_names(
    coordinator: Any, client_as: Any, review: Review
) -> None:
    from egide.policy.models import WorkshopSeat
    from egide.training import services as training

    session = training.session_create(
        actor=coordinator,
        kind="workshop",
        modules=["M4"],
        title="Validation (test)",
        start_date=date(2023, 12, 5),
        end_date=date(2023, 12, 5),
    )
    w = services.workshop_create(
        actor=coordinator,
        review=review,
        title="Atelier (test)",
        held_on=date(2023, 12, 5),
        session=session,
    )
    for name, sex in (("Kadiatou Barry", "female"), ("Thierno Sow", "male")):
        e = training.participant_register(
            actor=coordinator,
            session=session,
            full_name=name,
            sex=sex,
            age_band="25_59",
            actor_type="cso",
        )
        WorkshopSeat.objects.create(
            workshop=w,
            enrollment=e,
            institution=Institution.objects.get(code="cnt"),
            function="juriste",
        )
    training.attendance_record(
        actor=coordinator, session=session, day=date(2023, 12, 5), present_ids={e.pk}
    )
    page = fr(client_as(coordinator), f"/policy/workshops/{w.pk}/").content.decode()
    assert "2 participants" in page
    assert "présents au moins un jour : 1" in page
    assert "Kadiatou" not in page and "Thierno" not in page
    assert "CNT : 2" in page


def test_scores_match_the_rules(analyst: Any, review: Review) -> None:
    matrix = selectors.review_matrix(review)
    assert matrix.overall is None and matrix.assessed == 0
    assert rules.overall_score([]) is None


def test_review_and_workshop_forms_with_every_field(
    coordinator: Any, client_as: Any, policy_ref: None
) -> None:
    from egide.training import services as training

    client = client_as(coordinator)
    response = fr(
        client,
        "/policy/reviews/new/",
        {"title": "Revue 2025 (test)", "year": "2025", "held_on": "2025-10-01"},
        post=True,
    )
    assert response.status_code == 302
    review = Review.objects.get(title="Revue 2025 (test)")
    session = training.session_create(
        actor=coordinator,
        kind="workshop",
        modules=["M4"],
        title="Validation 2025 (test)",
        start_date=date(2025, 11, 3),
        end_date=date(2025, 11, 4),
    )
    response = fr(
        client,
        f"/policy/reviews/{review.pk}/workshop/new/",
        {
            "title": "Atelier de validation 2025 (test)",
            "held_on": "2025-11-03",
            "venue": "Conakry (fictif)",
            "session": session.pk,
        },
        post=True,
    )
    assert response.status_code == 302
    w = Workshop.objects.get(review=review)
    assert w.session == session and w.venue == "Conakry (fictif)"
    response = fr(
        client,
        "/policy/reviews/new/",
        {"title": " ", "year": "2025", "held_on": "2025-10-01"},
        post=True,
    )
    assert response.status_code == 400
    assert Review.objects.count() == 1


def test_workshop_seat_form_with_every_field(
    coordinator: Any, client_as: Any, review: Review
) -> None:
    from egide.policy.models import WorkshopSeat
    from egide.training import services as training

    session = training.session_create(
        actor=coordinator,
        kind="workshop",
        modules=["M4"],
        title="Validation (test)",
        start_date=date(2023, 12, 5),
        end_date=date(2023, 12, 5),
    )
    other = training.session_create(
        actor=coordinator,
        kind="workshop",
        modules=["M4"],
        title="Autre (test)",
        start_date=date(2023, 12, 5),
        end_date=date(2023, 12, 5),
    )
    w = services.workshop_create(
        actor=coordinator,
        review=review,
        title="Atelier (test)",
        held_on=date(2023, 12, 5),
        session=session,
    )
    mine = training.participant_register(
        actor=coordinator,
        session=session,
        full_name="Mariama Keïta",
        sex="female",
        age_band="25_59",
        actor_type="cso",
        organisation_name="ONG Espoir (fictive)",
    )
    stranger = training.participant_register(
        actor=coordinator,
        session=other,
        full_name="Sékou Cissé",
        sex="male",
        age_band="25_59",
        actor_type="cso",
    )
    client = client_as(coordinator)
    page = client.get(f"/policy/workshops/{w.pk}/seats/").content.decode()
    assert "Mariama" not in page and "ONG Espoir (fictive)" in page
    data = {
        "enrollment": mine.pk,
        "institution": Institution.objects.get(code="ngo_network").pk,
        "organisation_name": "ONG Espoir (fictive)",
        "function": "coordinatrice",
    }
    assert fr(client, f"/policy/workshops/{w.pk}/seats/", data, post=True).status_code == 302
    seat = WorkshopSeat.objects.get()
    assert (seat.enrollment, seat.function) == (mine, "coordinatrice")
    bad = {**data, "enrollment": stranger.pk}
    assert fr(client, f"/policy/workshops/{w.pk}/seats/", bad, post=True).status_code == 400
    assert WorkshopSeat.objects.count() == 1


def test_workshop_form_offers_only_the_users_own_organisations_sessions(
    persona: Callable[[str], User], other_org: Any
) -> None:
    from egide.policy.forms import WorkshopForm
    from egide.training.services import session_create
    from tests.personas import make_user

    def workshop(actor: User) -> Any:
        return session_create(
            actor=actor,
            kind="workshop",
            modules=["M4"],
            title="Atelier (fictif)",
            start_date=date(2024, 11, 4),
            end_date=date(2024, 11, 5),
        )

    own = workshop(persona(roles.COORDINATOR))
    elsewhere = workshop(make_user("coord_kankan", roles.COORDINATOR, other_org, ["GN-K"]))
    offered = set(WorkshopForm(user=persona(roles.ANALYST)).fields["session"].queryset)
    assert own in offered and elsewhere not in offered


def test_the_home_page_scores_every_review_in_fixed_queries(
    analyst_client: Client, review: Review, django_assert_max_num_queries: Any
) -> None:
    _assess(analyst_client, review, "criminalisation", "partial", [])
    _assess(analyst_client, review, "penalties", "gap", [])
    for year in (2019, 2020, 2021):
        Review.objects.create(title=f"Revue {year} (test)", year=year, held_on=date(year, 6, 1))
    expected = {r.pk: selectors.review_matrix(r).overall for r in Review.objects.all()}
    assert {r.pk: overall for r, overall in selectors.reviews_with_overall()} == expected
    with django_assert_max_num_queries(12):
        page = fr(analyst_client, "/policy/")
    assert page.status_code == 200
