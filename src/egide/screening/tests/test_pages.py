"""The guided interview and the assessment pages, through the Django test client."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from egide.accounts import roles
from egide.accounts.models import User
from egide.audit.models import AuditEvent
from egide.screening.models import Assessment, InterviewDraft
from tests.personas import make_organisation, make_user

pytestmark = pytest.mark.django_db
URL = "/screening/interview/"


def _step_url(client: Client, step: str) -> str:
    draft = InterviewDraft.objects.latest("created_at")
    return reverse("screening:interview_step", args=[draft.pk, step])


def post_step(
    client: Client, response: Any, step: str, data: dict[str, Any], action: str = "next"
) -> Any:
    """POST one step to its own URL; a valid step answers with a redirect, which is followed.
    The first step (consent) is posted to the interview's address, which starts the draft."""
    first = step == "consent" and not InterviewDraft.objects.filter(assessment=None).exists()
    url = URL if first else _step_url(client, step)
    answer = client.post(url, {"go": action, **data})
    if answer.status_code == 302 and "/interview/" in answer["Location"]:
        return client.get(answer["Location"])
    return answer


CONSENT = {
    "consent": "yes",
    "interview_language": "ff",
    "age": "15",
    "sex": "female",
    "person_reference": "F.C. (fictive)",
}


def run_interview(
    client: Client,
    *,
    safety: list[str] | None = None,
    conditions: list[str] | None = None,
    agrees: str = "yes",
    extra: dict[str, str] | None = None,
) -> Any:
    page = client.get(URL, follow=True)
    page = post_step(client, page, "consent", {**CONSENT, "safety": safety or []})
    if safety:
        page = post_step(client, page, "urgent", {}, action="continue")
    page = post_step(
        client,
        page,
        "movement",
        {"crossed_border": "no", "irregular_entry": "unknown", "paid_facilitator": "unknown"},
    )
    page = post_step(client, page, "recruitment", {"act": ["act.recruited"]})
    page = post_step(
        client,
        page,
        "conditions",
        {
            "exploitative_conditions": conditions
            or ["exploitative_conditions.excessive_working_hours"]
        },
    )
    page = post_step(client, page, "control", {})
    page = post_step(client, page, "purpose", {"purpose": ["purpose.domestic_servitude"]})
    page = post_step(client, page, "gbv", {})
    assert "presumed" in page.content.decode() or "présumée" in page.content.decode()
    return post_step(client, page, "result", {"agrees": agrees, **(extra or {})}, action="save")


def test_interview_saves_an_assessment_with_codes_result_and_determination(
    client_as: Callable[[User], Client], caseworker: User
) -> None:
    client = client_as(caseworker)
    response = run_interview(client)
    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert response["Location"] == reverse("screening:detail", args=[assessment.pk]) + "#main"
    assert assessment.trafficking_level == "presumed" and assessment.child
    assert assessment.rule_set == "1.0" and assessment.worker_agrees is True
    assert "act.recruited" in assessment.input_document["indicators"]
    assert assessment.interview["language"] == "ff"
    assert AuditEvent.objects.filter(
        action="screening.assessment_created", object_id=str(assessment.pk)
    ).exists()
    detail = client.get(response["Location"])
    assert "Servitude domestique" in detail.content.decode()
    assert AuditEvent.objects.filter(
        action="screening.assessment_viewed", object_id=str(assessment.pk)
    ).exists()


def test_interview_answers_are_encrypted_at_rest(
    client_as: Callable[[User], Client], caseworker: User
) -> None:
    run_interview(client_as(caseworker))
    with connection.cursor() as cursor:
        cursor.execute("SELECT input_json, result_json, person_reference FROM screening_assessment")
        raw = " ".join(cursor.fetchone())
    assert "domestic_servitude" not in raw and "F.C." not in raw


def test_interview_without_consent_stops_and_saves_nothing(
    client_as: Callable[[User], Client], caseworker: User
) -> None:
    client = client_as(caseworker)
    page = client.get(URL, follow=True)
    page = post_step(client, page, "consent", {**CONSENT, "consent": "no"})
    assert "consentement éclairé" in page.content.decode()
    assert Assessment.objects.count() == 0


def test_interview_urgent_stops_and_offers_to_save_now(
    client_as: Callable[[User], Client], caseworker: User
) -> None:
    client = client_as(caseworker)
    page = client.get(URL, follow=True)
    page = post_step(
        client, page, "consent", {**CONSENT, "safety": ["safety.no_safe_place_tonight"]}
    )
    body = page.content.decode()
    assert "Urgence : arrêtez et orientez maintenant" in body and "116" in body
    page = post_step(client, page, "urgent", {}, action="save_now")
    response = post_step(client, page, "result", {"agrees": "yes"}, action="save")
    assert response.status_code == 302
    assert Assessment.objects.get().urgent is True


def test_interview_disagreement_needs_level_and_justification(
    client_as: Callable[[User], Client], caseworker: User
) -> None:
    client = client_as(caseworker)
    response = run_interview(client, agrees="no")
    assert response.status_code == 200
    assert "justification est obligatoire" in response.content.decode()
    assert Assessment.objects.count() == 0
    response = run_interview(
        client,
        agrees="no",
        extra={"worker_level": "possible", "justification": "Récit incohérent, à revoir (fictif)."},
    )
    assessment = Assessment.objects.get()
    assert assessment.worker_agrees is False and assessment.worker_level == "possible"
    assert assessment.trafficking_level == "presumed"  # both are kept


def test_interview_of_someone_else_or_expired_restarts(
    client_as: Callable[[User], Client], caseworker: User, persona: Callable[[str], User]
) -> None:
    from django.utils import timezone

    client_as(caseworker).post(URL, {"go": "next", **CONSENT})
    draft = InterviewDraft.objects.get()
    other = client_as(persona(roles.CASE_SUPERVISOR))
    url = reverse("screening:interview_step", args=[draft.pk, "result"])
    response = other.post(url, {"go": "save", "agrees": "yes"})
    assert response.status_code == 302 and response["Location"] == URL
    InterviewDraft.objects.update(expires_at=timezone.now())
    response = client_as(caseworker).post(url, {"go": "save", "agrees": "yes"})
    assert response.status_code == 302 and response["Location"] == URL
    assert Assessment.objects.count() == 0


def test_interview_back_and_reload_show_the_step_with_its_answers(
    client_as: Callable[[User], Client], caseworker: User
) -> None:
    """Every step is a GET after a redirect: Back or reload never re-posts, nothing is lost."""
    client = client_as(caseworker)
    page = client.get(URL, follow=True)
    post_step(client, page, "consent", CONSENT)
    movement_answers = {"crossed_border": "yes", "irregular_entry": "no", "paid_facilitator": "no"}
    post_step(client, page, "movement", movement_answers)
    answer = client.post(_step_url(client, "recruitment"), {"go": "next", "act": ["act.recruited"]})
    assert answer.status_code == 302 and answer["Location"].endswith("/conditions/#step")
    # The phone's Back: a plain GET of the earlier steps, with their answers checked.
    again = client.get(_step_url(client, "recruitment")).content.decode()
    assert re.search(r'value="act.recruited"[^>]*checked', again)
    movement = client.get(_step_url(client, "movement")).content.decode()
    assert re.search(r'value="yes"[^>]*id="id_crossed_border_0"[^>]*checked', movement) or (
        re.search(r'id="id_crossed_border_0"[^>]*checked', movement)
    )
    consent = client.get(_step_url(client, "consent")).content.decode()
    assert 'value="F.C. (fictive)"' in consent
    # A step cannot be skipped by typing its URL.
    skipped = client.get(_step_url(client, "gbv"))
    assert skipped.status_code == 302 and "/conditions/" in skipped["Location"]


def test_interview_back_to_the_first_step_shows_its_answers(
    client_as: Callable[[User], Client], caseworker: User
) -> None:
    """The first step is served at the interview's address without a draft: the phone's Back
    from the second step comes to that address, and finds the answers given, not a blank form
    that would start a second interview."""
    client = client_as(caseworker)
    post_step(client, client.get(URL), "consent", CONSENT)
    back = client.get(URL)
    draft = InterviewDraft.objects.get()
    assert back.status_code == 302
    assert back["Location"].startswith(
        reverse("screening:interview_step", args=[draft.pk, "consent"])
    )
    consent = client.get(back["Location"]).content.decode()
    assert 'value="F.C. (fictive)"' in consent and 'href="/screening/interview/?new=1"' in consent
    # Answering it again goes on with the same interview.
    post_step(client, client.get(back["Location"]), "consent", CONSENT)
    assert InterviewDraft.objects.count() == 1
    # "Start another interview" gives a blank first step; a saved interview is not resumed.
    fresh = client.get(URL + "?new=1").content.decode()
    assert "F.C. (fictive)" not in fresh and 'href="/screening/interview/?new=1"' not in fresh
    other = client_as(
        make_user("autre.agent", roles.CASE_WORKER, caseworker.organisation, ["GN-L"])
    )
    assert other.get(URL).status_code == 200  # someone else's interview is never resumed
    run_interview(client)  # the same interview, finished and saved
    assert Assessment.objects.count() == 1 and InterviewDraft.objects.count() == 1
    assert client.get(URL).status_code == 200  # a saved interview is not resumed


def test_interview_draft_is_encrypted_and_emptied_on_save(
    client_as: Callable[[User], Client], caseworker: User
) -> None:
    client = client_as(caseworker)
    page = client.get(URL, follow=True)
    post_step(client, page, "consent", CONSENT)
    with connection.cursor() as cursor:
        cursor.execute("SELECT state_json FROM screening_interviewdraft")
        raw = cursor.fetchone()[0]
    assert "F.C." not in raw and "person_reference" not in raw  # never by chance in a token
    assert InterviewDraft.objects.get().state["consent"]["person_reference"] == "F.C. (fictive)"
    InterviewDraft.objects.all().delete()
    run_interview(client)
    draft = InterviewDraft.objects.get()
    assessment = Assessment.objects.get()
    assert draft.state_json == "" and draft.assessment == assessment
    event = AuditEvent.objects.get(action="screening.assessment_created")
    assert event.details["from_draft"] is True
    # A second tap on "save", or Back to the result: the saved assessment, nothing twice.
    url = reverse("screening:interview_step", args=[draft.pk, "result"])
    again = client.post(url, {"go": "save", "agrees": "yes"})
    assert again["Location"] == reverse("screening:detail", args=[assessment.pk])
    assert client.get(url)["Location"] == again["Location"]
    assert Assessment.objects.count() == 1


def test_interview_missing_answer_is_named_at_the_top_and_focused(
    client_as: Callable[[User], Client], caseworker: User
) -> None:
    client = client_as(caseworker)
    client.get(URL)
    response = client.post(URL, {"go": "next", "sex": "female"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="problem"' in body and 'action="' in body and '#problem"' in body
    assert re.search(r'<input[^>]*name="consent"[^>]*autofocus|autofocus[^>]*name="consent"', body)


def test_interview_bad_age_is_refused_with_the_field_named(
    client_as: Callable[[User], Client], caseworker: User
) -> None:
    client = client_as(caseworker)
    page = client.get(URL, follow=True)
    page = post_step(client, page, "consent", {**CONSENT, "age": "200"})
    assert 'id="id_age_error"' in page.content.decode()


def test_assessment_of_another_organisation_is_404(
    client_as: Callable[[User], Client], caseworker: User, other_org: Any
) -> None:
    run_interview(client_as(caseworker))
    assessment = Assessment.objects.get()
    outsider = make_user("kankan_worker", roles.CASE_WORKER, other_org, ["GN-K"])
    client = client_as(outsider)
    assert client.get(reverse("screening:detail", args=[assessment.pk])).status_code == 404
    assert assessment.code not in client.get(reverse("screening:list")).content.decode()


def test_assessment_list_query_count_is_constant(
    client_as: Callable[[User], Client],
    caseworker: User,
    django_assert_max_num_queries: Any,
) -> None:
    client = client_as(caseworker)
    run_interview(client)
    run_interview(client)
    with django_assert_max_num_queries(12):
        client.get(reverse("screening:list"))
    make_organisation("Autre ONG (fictive)", ["GN-L"])
    for _ in range(3):
        run_interview(client)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("screening:list"))
    assert response.content.decode().count('">SCR-') == 5  # links, not the saved message


def test_caseworker_opens_a_case_from_a_saved_screening(
    client_as: Callable[[User], Client],
    caseworker: User,
    persona: Callable[[str], User],
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.core import mail

    from egide.cases.models import Case

    supervisor = persona(roles.CASE_SUPERVISOR)
    supervisor.email = "superviseur@example.org"
    supervisor.save()
    client = client_as(caseworker)
    run_interview(client, extra={})
    assessment = Assessment.objects.get()
    detail = client.get(reverse("screening:detail", args=[assessment.pk])).content.decode()
    assert "Ouvrir un dossier de protection maintenant" in detail
    assert f"?assessment={assessment.pk}" in detail  # the pre-filled alert
    from egide.core.models import Region

    labe = Region.objects.get(code="GN-L")
    with django_capture_on_commit_callbacks(execute=True):
        with_capture = client.post(
            reverse("screening:open_case", args=[assessment.pk]), {"region": labe.pk}
        )
    case = Case.objects.get()
    assert with_capture["Location"] == reverse("cases:identity", args=[case.pk])
    assessment.refresh_from_db()
    assert assessment.case == case and case.owner == caseworker and case.child
    assert AuditEvent.objects.filter(action="case.opened_from_screening").exists()
    assert [m.to for m in mail.outbox] == [["superviseur@example.org"]]
    assert case.code in mail.outbox[0].subject and "F.C." not in mail.outbox[0].body
    # The supervisor of the region sees it on their home page and reviews it.
    boss = client_as(supervisor)
    assert case.review_pending
    assert case.code in boss.get(reverse("core:home")).content.decode()
    page = boss.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Marquer comme revu" in page
    assert (
        "Marquer comme revu"
        not in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    )
    client.post(reverse("cases:action", args=[case.pk, "review"]))  # the worker cannot
    case.refresh_from_db()
    assert case.review_pending
    boss.post(reverse("cases:action", args=[case.pk, "review"]))
    case.refresh_from_db()
    assert not case.review_pending and AuditEvent.objects.filter(action="case.reviewed").exists()
    assert case.code not in boss.get(reverse("core:home")).content.decode()
    # A second opening is refused.
    client.post(reverse("screening:open_case", args=[assessment.pk]), {"region": labe.pk})
    assert Case.objects.count() == 1


def test_case_cannot_be_opened_outside_the_workers_regions(
    client_as: Callable[[User], Client], caseworker: User
) -> None:
    from egide.cases.models import Case
    from egide.core.models import Region

    client = client_as(caseworker)
    run_interview(client)
    assessment = Assessment.objects.get()
    kankan = Region.objects.get(code="GN-K")
    client.post(reverse("screening:open_case", args=[assessment.pk]), {"region": kankan.pk})
    assert Case.objects.count() == 0


def test_alert_prefilled_from_a_screening_carries_it_into_the_case(
    client_as: Callable[[User], Client], caseworker: User, persona: Callable[[str], User]
) -> None:
    from egide.cases.models import Alert

    client = client_as(caseworker)
    run_interview(client)
    assessment = Assessment.objects.get()
    form = client.get(reverse("cases:alert_create") + f"?assessment={assessment.pk}")
    body = form.content.decode()
    assert assessment.code in body and "15 ans" in body and "F.C." not in body
    initial = form.context["form"].initial
    data = {
        "region": initial["region"] or persona(roles.CASE_WORKER).organisation.regions.first().pk,
        "seen_on": initial["seen_on"].isoformat(),
        "urgency": initial["urgency"],
        "child_concerned": initial["child_concerned"],
        "person_description": initial["person_description"],
        "what_was_seen": initial["what_was_seen"],
        "assessment": assessment.pk,
    }
    response = client.post(reverse("cases:alert_create"), data)
    assert response.status_code == 302
    alert = Alert.objects.get()
    assert alert.assessment == assessment and alert.child_concerned is True
    supervisor = persona(roles.CASE_SUPERVISOR)
    triage = client_as(supervisor).post(
        reverse("cases:alert_detail", args=[alert.pk]), {"decision": "open", "owner": caseworker.pk}
    )
    assert triage.status_code == 302
    assessment.refresh_from_db()
    assert assessment.case is not None and assessment.case == Alert.objects.get().case


def test_interview_in_progress_can_be_resumed_from_the_list(
    client_as: Callable[[User], Client], caseworker: User, persona: Callable[[str], User]
) -> None:
    """A closed browser tab loses no answer: the list offers to resume where it stopped."""
    client = client_as(caseworker)
    page = client.get(URL, follow=True)
    post_step(client, page, "consent", CONSENT)
    listing = client.get(reverse("screening:list")).content.decode()
    assert "Entretiens en cours" in listing and "1 étape remplie" in listing
    assert _step_url(client, "movement") + "#step" in listing
    other = client_as(persona(roles.CASE_SUPERVISOR)).get(reverse("screening:list"))
    assert "Entretiens en cours" not in other.content.decode()


def test_expired_drafts_are_deleted_by_the_retention_command(
    client_as: Callable[[User], Client], caseworker: User
) -> None:
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    client_as(caseworker).post(URL, {"go": "next", **CONSENT})
    client_as(caseworker).post(URL, {"go": "next", **CONSENT})
    InterviewDraft.objects.filter(pk=InterviewDraft.objects.earliest("created_at").pk).update(
        expires_at=timezone.now()
    )
    out = StringIO()
    call_command("retention", "purge", stdout=out)
    assert "1 expired interview draft(s) deleted" in out.getvalue()
    assert InterviewDraft.objects.count() == 1


def test_interview_first_step_is_served_at_once_and_writes_nothing(
    client_as: Callable[[User], Client], caseworker: User
) -> None:
    """The first screen costs one round trip (no redirect) and no write; answering it starts
    the draft and goes on to the next step (POST → redirect → GET)."""
    client = client_as(caseworker)
    page = client.get(URL)
    assert (
        page.status_code == 200
        and 'action="/screening/interview/#problem"' in page.content.decode()
    )
    assert not InterviewDraft.objects.exists()
    answer = client.post(URL, {"go": "next", **CONSENT})
    assert answer.status_code == 302 and answer["Location"].endswith("/movement/#step")
    assert InterviewDraft.objects.get().state["consent"]["person_reference"] == "F.C. (fictive)"
