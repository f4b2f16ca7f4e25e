"""Trainers' entry of paper tests (a grid of answers, or the scores only) and a participant's
test link to copy, scan or send by SMS."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import segno
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from egide.audit.services import audit_record
from egide.core.feedback import saved_at
from egide.core.numbers import whole_number
from egide.training import scoring, services
from egide.training.curriculum import question_index
from egide.training.models import TrainingSession
from egide.training.views import _session_or_404


def _test_of(session: TrainingSession, kind: str) -> Any:
    test = session.tests.filter(kind=kind).first()
    if test is None:
        raise Http404
    return test


def _entry_rows(session: TrainingSession, test: Any) -> list[dict[str, Any]]:
    """Participants in name order, with their attempt at *test* if it is already recorded."""
    attempts = {a.enrollment_id: a for a in test.attempts.all()}
    enrollments = session.enrollments.select_related("participant")
    rows = [
        {
            "enrollment": e,
            "participant": e.participant,
            "attempt": attempts.get(e.pk),
            "score": scoring.Score(attempts[e.pk].correct, attempts[e.pk].total)
            if e.pk in attempts
            else None,
        }
        for e in enrollments
    ]
    return sorted(rows, key=lambda r: r["participant"].full_name.casefold())


GRID_BAD_LETTER = _("%(name)s, question %(n)s: type one of %(letters)s, or leave it blank.")


@never_cache
def paper_grid_view(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Type the answers of every paper test at once: participants × questions, one letter per
    cell, Tab moves along the row; one submit saves all, or nothing when a cell is wrong."""
    session = _session_or_404(request, pk)
    test = _test_of(session, kind)
    bank = question_index()
    questions = [
        {"number": n, "code": c, "choices": len(bank[c]["choices"])}
        for n, c in enumerate(test.question_codes, start=1)
    ]
    rows = _entry_rows(session, test)
    errors: list[str] = []
    if request.method == "POST":
        answers_by: dict[int, dict[str, int]] = {}
        for row in rows:
            if row["attempt"] is not None:
                continue
            eid = row["enrollment"].pk
            typed = {q["code"]: request.POST.get(f"a{eid}_{q['number']}", "") for q in questions}
            if not any(v.strip() for v in typed.values()):
                continue  # a blank row: this person's paper is not typed yet
            answers: dict[str, int] = {}
            for q in questions:
                choice = scoring.choice_from_letter(typed[q["code"]])
                if choice is None:
                    continue
                if not 0 <= choice < q["choices"]:
                    errors.append(
                        str(GRID_BAD_LETTER)
                        % {
                            "name": row["participant"].full_name,
                            "n": q["number"],
                            "letters": ", ".join(scoring.LETTERS[: q["choices"]]),
                        }
                    )
                    continue
                answers[q["code"]] = choice
            answers_by[eid] = answers
        if not errors and answers_by:
            try:
                count = services.paper_tests_record(
                    actor=request.user, test=test, answers_by_enrollment=answers_by
                )
            except (scoring.AnswerError, services.TrainingError) as exc:
                errors.append(str(exc))
            else:
                return saved_at(
                    request,
                    reverse("training:session", args=[pk]),
                    "results",
                    str(_("%(n)s paper test(s) saved.")) % {"n": count},
                )
        elif not errors:
            errors.append(str(_("Nothing to save: every row is blank.")))
    for row in rows:
        eid = row["enrollment"].pk
        row["cells"] = [
            (q, request.POST.get(f"a{eid}_{q['number']}", "") if request.method == "POST" else "")
            for q in questions
        ]
    return render(
        request,
        "training/paper_grid.html",
        {
            "session": session,
            "test": test,
            "questions": questions,
            "rows": rows,
            "errors": errors,
            "letters": scoring.LETTERS[: max((q["choices"] for q in questions), default=0)],
        },
    )


@never_cache
def paper_scores_view(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Type each participant's paper score (correct answers out of the questions)."""
    session = _session_or_404(request, pk)
    test = _test_of(session, kind)
    total = len(test.question_codes)
    rows = _entry_rows(session, test)
    errors: list[str] = []
    if request.method == "POST":
        scores: dict[int, int] = {}
        for row in rows:
            if row["attempt"] is not None:
                continue
            raw = request.POST.get(f"s{row['enrollment'].pk}", "").strip()
            if not raw:
                continue
            correct = whole_number(raw)
            if correct is None or correct > total:
                errors.append(
                    f"{row['participant'].full_name} : " + str(services.SCORE_RANGE % {"n": total})
                )
                continue
            scores[row["enrollment"].pk] = correct
        if not errors and scores:
            enrollments = {r["enrollment"].pk: r["enrollment"] for r in rows}
            try:
                with transaction.atomic():
                    for eid, correct in scores.items():
                        services.test_score_record(
                            actor=request.user,
                            test=test,
                            enrollment=enrollments[eid],
                            correct=correct,
                        )
            except services.TrainingError as exc:
                errors.append(str(exc))
            else:
                return saved_at(
                    request,
                    reverse("training:session", args=[pk]),
                    "results",
                    str(_("%(n)s score(s) saved.")) % {"n": len(scores)},
                )
        elif not errors:
            errors.append(str(_("Nothing to save: every score is blank.")))
    for row in rows:
        row["typed"] = request.POST.get(f"s{row['enrollment'].pk}", "") if errors else ""
    return render(
        request,
        "training/paper_scores.html",
        {"session": session, "test": test, "rows": rows, "total": total, "errors": errors},
    )


@never_cache
def participant_link_view(request: HttpRequest, pk: int, enrollment_id: int) -> HttpResponse:
    """A participant's personal test link: to copy, to show as a QR code, to send by SMS."""
    session = _session_or_404(request, pk)
    enrollment = session.enrollments.filter(pk=enrollment_id).select_related("participant").first()
    if enrollment is None:
        raise Http404
    url = request.build_absolute_uri(reverse("training:take_test", args=[enrollment.token]))
    text = str(_("Égide: your knowledge test for “%(title)s”: %(url)s")) % {
        "title": session.title,
        "url": url,
    }
    phone = "".join(ch for ch in enrollment.participant.phone if ch.isdigit() or ch == "+")
    audit_record(
        actor=request.user,
        action="training.participant_link_viewed",
        obj=session,
        details={"enrollment": enrollment.pk},
    )
    qr = segno.make(url, error="m").svg_inline(scale=5, dark="#000", light="#fff")
    return render(
        request,
        "training/participant_link.html",
        {
            "session": session,
            "participant": enrollment.participant,
            "url": url,
            "qr": qr,
            "sms": f"sms:{phone}?body={quote(text, safe='')}",
        },
    )
