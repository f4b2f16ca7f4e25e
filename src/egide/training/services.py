"""Writes of the training cycle; each checks its rule and is audited in the same transaction."""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from egide.audit.services import audit_record
from egide.core.crypto import blind_index
from egide.core.limits import DATE_MAX, DATE_MIN, SESSION_MAX_DAYS
from egide.training import scoring
from egide.training.curriculum import question_index, questions_of
from egide.training.models import (
    Attendance,
    Certificate,
    Enrollment,
    KnowledgeTest,
    Participant,
    TestAttempt,
    TrainingSession,
)

DAY_OUTSIDE = _("%(day)s is not a day of this session (%(start)s – %(end)s).")
DATES_ORDER = _("The last day is before the first day.")
NO_MODULES = _("Choose at least one module.")
TOO_LONG = _("A session lasts at most %(n)s days.")
DATES_RANGE = _("Give dates between %(min)s and %(max)s.")
FULL = _("The session is full (capacity %(n)s).")
ALREADY_TAKEN = _("This test was already taken by this participant.")
TEST_CLOSED = _("This test is not open.")
NOT_ELIGIBLE = _("Not eligible: at least 80%% attendance and a passed post-test are required.")
ALREADY_REGISTERED = _("This participant is already registered in the session.")
SCORE_RANGE = _("The score must be between 0 and %(n)s correct answers.")
NOT_IN_SESSION = _("This participant is not registered in this session.")
SHORTFALL_TEXT = {
    "attendance": _("attendance %(reached)s %% < %(required)s %%"),
    "post_test": _("post-test %(reached)s %% < %(required)s %%"),
    "no_post_test": _("post-test not taken (%(required)s %% needed)"),
}


class TrainingError(ValueError):
    """A training rule was not met; the message says what to do."""


@transaction.atomic
def session_create(
    *,
    actor: Any,
    kind: str,
    title: str,
    modules: list[str],
    start_date: date,
    end_date: date,
    region: Any = None,
    prefecture: Any = None,
    venue: str = "",
    online: bool = False,
    capacity: int | None = None,
    trainers: list[Any] | None = None,
    partners: list[Any] | None = None,
) -> TrainingSession:
    """Create a session; its creator is a trainer of it."""
    if end_date < start_date:
        raise TrainingError(str(DATES_ORDER))
    if not (DATE_MIN <= start_date and end_date <= DATE_MAX):
        raise TrainingError(str(DATES_RANGE % {"min": DATE_MIN.year, "max": DATE_MAX.year}))
    if (end_date - start_date).days + 1 > SESSION_MAX_DAYS:
        raise TrainingError(str(TOO_LONG % {"n": SESSION_MAX_DAYS}))
    if not modules:
        raise TrainingError(str(NO_MODULES))
    session = TrainingSession.objects.create(
        kind=kind,
        title=title,
        modules=sorted(modules),
        start_date=start_date,
        end_date=end_date,
        region=region,
        prefecture=prefecture,
        venue=venue,
        online=online,
        capacity=capacity,
        organisation_id=actor.organisation_id,
        created_by=actor,
    )
    session.trainers.set({actor, *(trainers or [])})
    session.partners.set(partners or [])
    audit_record(
        actor=actor,
        action="training.session_created",
        obj=session,
        details={"kind": kind, "modules": session.modules},
    )
    return session


def participant_name_index(full_name: str) -> str:
    return blind_index(full_name)


@transaction.atomic
def participant_register(
    *,
    actor: Any,
    session: TrainingSession,
    full_name: str,
    sex: str,
    age_band: str,
    actor_type: str,
    organisation_name: str = "",
    region: Any = None,
    phone: str = "",
    email: str = "",
    is_fictitious: bool = False,
) -> Enrollment:
    """Register a person in a session; the same name and phone make the same participant, so
    that a person trained twice counts once."""
    if session.capacity and session.enrollments.count() >= session.capacity:
        raise TrainingError(str(FULL % {"n": session.capacity}))
    index = participant_name_index(f"{full_name} {phone}")
    participant = Participant.objects.filter(name_index=index).first()
    if participant is None:
        participant = Participant.objects.create(
            full_name=full_name.strip(),
            name_index=index,
            sex=sex,
            age_band=age_band,
            organisation_name=organisation_name,
            actor_type=actor_type,
            region=region,
            phone=phone,
            email=email,
            is_fictitious=is_fictitious,
        )
    if Enrollment.objects.filter(session=session, participant=participant).exists():
        raise TrainingError(str(ALREADY_REGISTERED))
    enrollment = Enrollment.objects.create(
        session=session, participant=participant, token=secrets.token_urlsafe(16)
    )
    audit_record(
        actor=actor,
        action="training.participant_registered",
        obj=session,
        details={"participant": participant.pk},
    )
    return enrollment


@transaction.atomic
def attendance_record(
    *, actor: Any, session: TrainingSession, day: date, present_ids: set[int]
) -> None:
    """Record who was present on *day* (enrollment ids); a day outside the session is refused."""
    if not session.start_date <= day <= session.end_date:
        raise TrainingError(
            str(
                DAY_OUTSIDE
                % {
                    "day": day.isoformat(),
                    "start": session.start_date.isoformat(),
                    "end": session.end_date.isoformat(),
                }
            )
        )
    for enrollment in session.enrollments.all():
        Attendance.objects.update_or_create(
            enrollment=enrollment, day=day, defaults={"present": enrollment.pk in present_ids}
        )
    audit_record(
        actor=actor,
        action="training.attendance_recorded",
        obj=session,
        details={"day": day.isoformat(), "present": len(present_ids)},
    )


@transaction.atomic
def tests_prepare(*, actor: Any, session: TrainingSession) -> tuple[KnowledgeTest, KnowledgeTest]:
    """Generate the pre-test and the post-test: the modules' questions, shuffled twice."""
    codes = [q["code"] for q in questions_of(session.modules)]
    rng = random.Random(f"{session.pk}")  # noqa: S311 - order only, not security
    pre_order, post_order = codes[:], codes[:]
    rng.shuffle(pre_order)
    rng.shuffle(post_order)
    pre, _c = KnowledgeTest.objects.get_or_create(
        session=session, kind="pre", defaults={"question_codes": pre_order}
    )
    post, _c = KnowledgeTest.objects.get_or_create(
        session=session, kind="post", defaults={"question_codes": post_order, "is_open": False}
    )
    audit_record(
        actor=actor,
        action="training.tests_prepared",
        obj=session,
        details={"questions": len(codes)},
    )
    return pre, post


@transaction.atomic
def test_set_open(*, actor: Any, test: KnowledgeTest, is_open: bool) -> None:
    test.is_open = is_open
    test.save(update_fields=["is_open"])
    audit_record(
        actor=actor,
        action="training.test_opened" if is_open else "training.test_closed",
        obj=test.session,
        details={"kind": test.kind},
    )


@transaction.atomic
def test_submit(
    *, test: KnowledgeTest, enrollment: Enrollment, answers: dict[str, int], entered_by: Any = None
) -> TestAttempt:
    """Score and save one attempt; raises AnswerError or TrainingError, saving nothing then."""
    if entered_by is None and not test.is_open:
        raise TrainingError(str(TEST_CLOSED))
    if TestAttempt.objects.filter(test=test, enrollment=enrollment).exists():
        raise TrainingError(str(ALREADY_TAKEN))
    result = scoring.score(answers, test.question_codes, question_index())
    attempt = TestAttempt.objects.create(
        test=test,
        enrollment=enrollment,
        answers=answers,
        correct=result.correct,
        total=result.total,
        entered_by=entered_by,
    )
    audit_record(
        actor=entered_by,
        actor_username="" if entered_by else "participant",
        action="training.test_submitted",
        obj=test.session,
        details={"kind": test.kind, "enrollment": enrollment.pk, "score": result.percent},
    )
    return attempt


def scores_from(attempts: Iterable[TestAttempt]) -> dict[str, scoring.Score | None]:
    """Pre- and post-test scores of one enrollment from its attempts (tests loaded with them)."""
    result: dict[str, scoring.Score | None] = {"pre": None, "post": None}
    for attempt in attempts:
        result[attempt.test.kind] = scoring.Score(attempt.correct, attempt.total)
    return result


def eligible(days_present: int, days_total: int, post: scoring.Score | None) -> bool:
    """Certificate eligibility with the thresholds configured in settings."""
    return scoring.eligible_for_certificate(
        days_present,
        days_total,
        post,
        settings.EGIDE_CERTIFICATE_ATTENDANCE,
        settings.EGIDE_CERTIFICATE_PASS_PERCENT,
    )


def _number(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.1f}".replace(".", ",")


def certificate_shortfalls(days_present: int, days_total: int, post: scoring.Score | None) -> str:
    """Why no certificate yet, in words, with the configured thresholds ("" when eligible):
    e.g. "post-test 68 % < 70 %"."""
    found = scoring.certificate_shortfalls(
        days_present,
        days_total,
        post,
        settings.EGIDE_CERTIFICATE_ATTENDANCE,
        settings.EGIDE_CERTIFICATE_PASS_PERCENT,
    )
    return " ; ".join(
        str(SHORTFALL_TEXT[f.what])
        % {"reached": _number(f.reached), "required": _number(f.required)}
        for f in found
    )


@transaction.atomic
def test_score_record(
    *, actor: Any, test: KnowledgeTest, enrollment: Enrollment, correct: int
) -> TestAttempt:
    """Record a paper test's score typed by the trainer (correct answers out of the test's
    questions), without the answers; raises TrainingError, saving nothing then."""
    total = len(test.question_codes)
    if enrollment.session_id != test.session_id:
        raise TrainingError(str(NOT_IN_SESSION))
    if not 0 <= correct <= total:
        raise TrainingError(str(SCORE_RANGE % {"n": total}))
    if TestAttempt.objects.filter(test=test, enrollment=enrollment).exists():
        raise TrainingError(str(ALREADY_TAKEN))
    attempt = TestAttempt.objects.create(
        test=test, enrollment=enrollment, answers={}, correct=correct, total=total, entered_by=actor
    )
    audit_record(
        actor=actor,
        action="training.test_score_entered",
        obj=test.session,
        details={
            "kind": test.kind,
            "enrollment": enrollment.pk,
            "score": scoring.Score(correct, total).percent,
        },
    )
    return attempt


@transaction.atomic
def paper_tests_record(
    *, actor: Any, test: KnowledgeTest, answers_by_enrollment: dict[int, dict[str, int]]
) -> int:
    """Record the typed answers of several paper tests at once (the grid): all or nothing.

    Raises TrainingError or scoring.AnswerError naming the first problem; saves nothing then.
    """
    enrollments = {e.pk: e for e in test.session.enrollments.all()}
    for enrollment_id, answers in answers_by_enrollment.items():
        enrollment = enrollments.get(enrollment_id)
        if enrollment is None:
            raise TrainingError(str(NOT_IN_SESSION))
        test_submit(test=test, enrollment=enrollment, answers=answers, entered_by=actor)
    return len(answers_by_enrollment)


def is_eligible(enrollment: Enrollment) -> bool:
    present = enrollment.attendance.filter(present=True).count()
    post = scores_from(enrollment.attempts.select_related("test"))["post"]
    return eligible(present, len(enrollment.session.days), post)


@transaction.atomic
def certificate_issue(*, actor: Any, enrollment: Enrollment) -> Certificate:
    """Issue (once) the certificate of an eligible participant, with a verification code."""
    existing = Certificate.objects.filter(enrollment=enrollment).first()
    if existing is not None:
        return existing
    if not is_eligible(enrollment):
        raise TrainingError(str(NOT_ELIGIBLE))
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    code = "EG-" + "".join(secrets.choice(alphabet) for _ in range(10))
    certificate = Certificate.objects.create(enrollment=enrollment, code=code, issued_by=actor)
    audit_record(
        actor=actor,
        action="training.certificate_issued",
        obj=enrollment.session,
        details={"certificate": code},
    )
    return certificate


def participant_contacts_viewed(*, actor: Any, session: TrainingSession) -> None:
    """Record a read of participants' personal data (names and contacts)."""
    audit_record(actor=actor, action="training.participants_viewed", obj=session)
