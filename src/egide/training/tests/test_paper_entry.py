"""Trainers' paper test entry: the grid, the scores, the participant's link, certificate reasons."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from egide.accounts import roles
from egide.accounts.models import User
from egide.audit.models import AuditEvent
from egide.core.models import Region
from egide.training import scoring, services
from egide.training.curriculum import question_index
from egide.training.models import KnowledgeTest, TestAttempt, TrainingSession


@pytest.fixture
def trainer(persona: Callable[[str], User]) -> User:
    return persona(roles.TRAINER)


def _workshop(trainer: User, people: int = 3) -> TrainingSession:
    session = services.session_create(
        actor=trainer,
        kind="workshop",
        title="Atelier papier (fictif)",
        modules=["M1"],
        start_date=date(2026, 11, 2),
        end_date=date(2026, 11, 3),
        region=Region.objects.get(code="GN-L"),
    )
    for i in range(people):
        services.participant_register(
            actor=trainer,
            session=session,
            full_name=f"Participant {i} (fictif)",
            sex="female",
            age_band="25_59",
            actor_type="cso",
            phone=f"+224 620 00 00 0{i}",
        )
    ids = set(session.enrollments.values_list("pk", flat=True))
    for day in session.days:
        services.attendance_record(actor=trainer, session=session, day=day, present_ids=ids)
    pre, _post = services.tests_prepare(actor=trainer, session=session)
    services.test_set_open(actor=trainer, test=pre, is_open=False)  # the pre-test is over
    return session


def _letters(test: KnowledgeTest, right: bool) -> list[str]:
    bank = question_index()
    return [
        scoring.LETTERS[bank[c]["answer"]]
        if right
        else scoring.LETTERS[(bank[c]["answer"] + 1) % len(bank[c]["choices"])]
        for c in test.question_codes
    ]


def test_certificate_shortfalls_name_each_unmet_rule_with_thresholds() -> None:
    post = scoring.Score(34, 50)
    found = scoring.certificate_shortfalls(2, 2, post, 0.8, 70.0)
    assert found == [scoring.Shortfall("post_test", 68.0, 70.0)]
    assert scoring.certificate_shortfalls(2, 2, scoring.Score(35, 50), 0.8, 70.0) == []
    both = scoring.certificate_shortfalls(1, 3, None, 0.8, 70.0)
    assert [f.what for f in both] == ["attendance", "no_post_test"]


def test_choice_from_letter_reads_letters_and_numbers() -> None:
    assert scoring.choice_from_letter(" b ") == 1
    assert scoring.choice_from_letter("3") == 2
    assert scoring.choice_from_letter("") is None
    assert scoring.choice_from_letter("?") == -1


def test_shortfall_text_uses_the_configured_pass_mark(settings: Any) -> None:
    settings.EGIDE_CERTIFICATE_PASS_PERCENT = 75.0
    assert services.certificate_shortfalls(2, 2, scoring.Score(36, 50)) == "post-test 72 % < 75 %"


def test_grid_saves_every_typed_row_and_skips_blank_rows(
    trainer: User, client_as: Callable[[User], Client]
) -> None:
    session = _workshop(trainer)
    post = session.tests.get(kind="post")
    rows = list(session.enrollments.order_by("pk"))
    data: dict[str, str] = {}
    for number, letter in enumerate(_letters(post, right=True), start=1):
        data[f"a{rows[0].pk}_{number}"] = letter.lower()
    for number, letter in enumerate(_letters(post, right=False), start=1):
        data[f"a{rows[1].pk}_{number}"] = letter
    url = reverse("training:paper_grid", args=[session.pk, "post"])
    client = client_as(trainer)
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"].endswith("#results")
    attempts = {a.enrollment_id: a for a in TestAttempt.objects.filter(test=post)}
    assert set(attempts) == {rows[0].pk, rows[1].pk}  # the blank third row is not saved
    assert attempts[rows[0].pk].correct == len(post.question_codes)
    assert attempts[rows[1].pk].correct == 0
    assert attempts[rows[0].pk].entered_by == trainer
    page = client.get(reverse("training:session", args=[session.pk]))
    assert "2 copie(s) enregistrée(s)" in page.content.decode()


def test_grid_with_a_bad_letter_saves_nothing_and_keeps_what_was_typed(
    trainer: User, client_as: Callable[[User], Client]
) -> None:
    session = _workshop(trainer)
    post = session.tests.get(kind="post")
    first, second = list(session.enrollments.order_by("pk"))[:2]
    url = reverse("training:paper_grid", args=[session.pk, "post"])
    response = client_as(trainer).post(
        url, {f"a{first.pk}_1": "A", f"a{second.pk}_1": "A", f"a{second.pk}_2": "Z"}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "Rien n’est encore enregistré" in body
    assert "question 2" in body and f'name="a{first.pk}_1" value="A"' in body
    assert not TestAttempt.objects.filter(test=post).exists()


def test_scores_are_saved_without_answers_and_out_of_range_is_refused(
    trainer: User, client_as: Callable[[User], Client]
) -> None:
    session = _workshop(trainer)
    post = session.tests.get(kind="post")
    n = len(post.question_codes)
    a, b, c = list(session.enrollments.order_by("pk"))
    url = reverse("training:paper_scores", args=[session.pk, "post"])
    refused = client_as(trainer).post(url, {f"s{a.pk}": str(n + 1), f"s{b.pk}": "3"})
    assert refused.status_code == 200 and not TestAttempt.objects.exists()
    assert f"entre 0 et {n} bonnes réponses" in refused.content.decode()
    saved = client_as(trainer).post(url, {f"s{a.pk}": str(n), f"s{b.pk}": "3", f"s{c.pk}": ""})
    assert saved.status_code == 302
    attempts = {t.enrollment_id: t for t in TestAttempt.objects.filter(test=post)}
    assert attempts[a.pk].correct == n and attempts[a.pk].answers == {}
    assert attempts[b.pk].correct == 3 and c.pk not in attempts
    assert AuditEvent.objects.filter(action="training.test_score_entered").count() == 2
    page = client_as(trainer).get(reverse("training:session", args=[session.pk])).content.decode()
    # A typed score says nothing about the questions: no item analysis from scores alone.
    assert "Questions le plus souvent" not in page
    percent = round(100 * 3 / n)
    assert f"pas encore : post-test {percent} % &lt; 70 %" in page
    assert "à délivrer" in page


def test_participant_sees_own_scores_and_why_no_certificate(trainer: User) -> None:
    session = _workshop(trainer, people=1)
    enrollment = session.enrollments.get()
    post = session.tests.get(kind="post")
    services.test_score_record(actor=trainer, test=post, enrollment=enrollment, correct=6)
    body = Client().get(reverse("training:take_test", args=[enrollment.token])).content.decode()
    assert "Vos résultats" in body and "pas encore : post-test 60 % &lt; 70 %" in body


def test_participant_link_page_offers_copy_qr_and_sms_and_is_audited(
    trainer: User, client_as: Callable[[User], Client]
) -> None:
    session = _workshop(trainer, people=1)
    enrollment = session.enrollments.get()
    url = reverse("training:participant_link", args=[session.pk, enrollment.pk])
    body = client_as(trainer).get(url).content.decode()
    link = f"/training/test/{enrollment.token}/"
    assert f'value="http://testserver{link}"' in body
    assert "<svg" in body and 'href="sms:+224620000000?body=' in body
    assert "%2Ftraining%2Ftest%2F" in body
    assert AuditEvent.objects.filter(action="training.participant_link_viewed").exists()


def test_session_list_search_and_paging(trainer: User, client_as: Callable[[User], Client]) -> None:
    for i in range(27):
        services.session_create(
            actor=trainer,
            kind="workshop" if i % 2 else "webinar",
            title=f"Session {i:02d} (fictive)" if i != 5 else "Atelier de Boké (fictif)",
            modules=["M1"],
            start_date=date(2026, 1, 1 + i),
            end_date=date(2026, 1, 1 + i),
            online=True,
        )
    client = client_as(trainer)
    body = client.get(reverse("training:list"), {"q": "boké"}).content.decode()
    assert "Atelier de Boké" in body and "Session 01" not in body
    first = client.get(reverse("training:list")).content.decode()
    assert "page=2" in first
    second = client.get(reverse("training:list"), {"page": "2"}).content.decode()
    assert second.count("Session ") == 2
    kind = client.get(reverse("training:list"), {"kind": "webinar"}).content.decode()
    assert "Session 01" not in kind and "Session 02" in kind
