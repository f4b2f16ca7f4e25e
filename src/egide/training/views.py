"""Training pages: curriculum, sessions, participants, attendance, tests, certificates, exports;
and two public pages: a participant's test (by secret link) and certificate verification."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from egide.audit.services import audit_record
from egide.training import scoring, services, spreadsheets
from egide.training.certificates import attendance_pdf, certificate_pdf
from egide.training.curriculum import curriculum, module, question_index
from egide.training.forms import ImportForm, ParticipantForm, SessionForm, test_form
from egide.training.models import Certificate, Enrollment, TrainingSession
from egide.training.permissions import can_read_curriculum, can_run_training

SAVED = _("Saved.")


def _session_or_404(request: HttpRequest, pk: int) -> TrainingSession:
    if not can_run_training(request.user):
        raise Http404
    session = TrainingSession.objects.filter(pk=pk).first()
    if session is None:
        raise Http404
    return session


def curriculum_view(request: HttpRequest, code: str | None = None) -> HttpResponse:
    if not can_read_curriculum(request.user):
        raise Http404
    data = curriculum()
    if code is None:
        return render(request, "training/curriculum.html", {"curriculum": data})
    mod = module(code)
    if mod is None:
        raise Http404
    count = sum(1 for q in data["questions"] if q["module"] == code)
    sources = [data["sources"][s] for s in mod["sources"]]
    return render(
        request,
        "training/module.html",
        {"module": mod, "question_count": count, "sources": sources},
    )


def session_list_view(request: HttpRequest) -> HttpResponse:
    if not can_run_training(request.user):
        raise Http404
    sessions = TrainingSession.objects.select_related("region").all()[:200]
    return render(request, "training/session_list.html", {"sessions": sessions})


def session_create_view(request: HttpRequest) -> HttpResponse:
    if not can_run_training(request.user):
        raise Http404
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(actor=request.user, **form.cleaned_data)
        except services.TrainingError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("training:session", pk=session.pk)
    return render(request, "training/session_form.html", {"form": form})


def _rows(session: TrainingSession) -> list[dict[str, Any]]:
    days = session.days
    rows = []
    enrollments = session.enrollments.select_related("participant").prefetch_related(
        "attendance", "attempts__test"
    )
    for enrollment in enrollments:
        present = {a.day for a in enrollment.attendance.all() if a.present}
        scores = services.scores_from(enrollment.attempts.all())
        rows.append(
            {
                "enrollment": enrollment,
                "participant": enrollment.participant,
                "days": [(day, day in present) for day in days],
                "present": len(present),
                "pre": scores["pre"],
                "post": scores["post"],
                "gain": scoring.gain(scores["pre"], scores["post"]),
                "certificate": getattr(enrollment, "certificate", None),
                "eligible": services.eligible(len(present), len(days), scores["post"]),
            }
        )
    return rows


def session_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The session page: participants, attendance, tests, results and certificates."""
    session = _session_or_404(request, pk)
    services.participant_contacts_viewed(actor=request.user, session=session)
    rows = _rows(session)
    tests = {t.kind: t for t in session.tests.all()}
    bank = question_index()
    analysis = []
    if "post" in tests:
        attempts = [a.answers for a in tests["post"].attempts.all()]
        analysis = [
            (bank[c]["text"], wrong, total)
            for c, wrong, total in scoring.item_analysis(
                attempts, tests["post"].question_codes, bank
            )[:5]
            if wrong
        ]
    gains = [r["gain"] for r in rows if r["gain"] is not None]
    return render(
        request,
        "training/session.html",
        {
            "session": session,
            "rows": rows,
            "tests": tests,
            "analysis": analysis,
            "mean_gain": round(sum(gains) / len(gains), 1) if gains else None,
            "participant_form": ParticipantForm(),
            "import_form": ImportForm(),
            "modules": [module(c) for c in session.modules],
        },
    )


def participant_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_or_404(request, pk)
    if request.method != "POST":
        raise Http404
    form = ParticipantForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label} : {error}")
        return redirect("training:session", pk=pk)
    try:
        services.participant_register(actor=request.user, session=session, **form.cleaned_data)
    except services.TrainingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, SAVED)
    return redirect("training:session", pk=pk)


def participant_import_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Import participants from XLSX: every row is checked first; one bad row saves none."""
    session = _session_or_404(request, pk)
    if request.method != "POST":
        raise Http404
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose an XLSX file to import."))
        return redirect("training:session", pk=pk)
    try:
        rows = spreadsheets.parse_participants(form.cleaned_data["file"].read())
        with transaction.atomic():
            for row in rows:
                services.participant_register(
                    actor=request.user,
                    session=session,
                    full_name=row["full_name"],
                    sex=row["sex"],
                    age_band=row["age_band"],
                    actor_type=row["actor_type"],
                    organisation_name=row.get("organisation", ""),
                    phone=row.get("phone", ""),
                    email=row.get("email", ""),
                )
    except spreadsheets.ImportError_ as exc:
        for problem in exc.problems:
            messages.error(request, problem)
    except services.TrainingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(n)s participant(s) imported.") % {"n": len(rows)})
    return redirect("training:session", pk=pk)


def attendance_view(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_or_404(request, pk)
    if request.method != "POST":
        raise Http404
    try:
        day = date.fromisoformat(request.POST.get("day", ""))
    except ValueError:
        messages.error(request, _("Give the day as a date."))
        return redirect("training:session", pk=pk)
    present = {int(v) for v in request.POST.getlist("present") if v.isdigit()}
    try:
        services.attendance_record(
            actor=request.user, session=session, day=day, present_ids=present
        )
    except services.TrainingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, SAVED)
    return redirect(reverse("training:session", args=[pk]) + "#attendance")


def tests_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Prepare the tests, or open/close one."""
    session = _session_or_404(request, pk)
    if request.method != "POST":
        raise Http404
    action = request.POST.get("action", "")
    if action == "prepare":
        services.tests_prepare(actor=request.user, session=session)
    elif action in ("open_pre", "close_pre", "open_post", "close_post"):
        test = session.tests.filter(kind=action.split("_")[1]).first()
        if test is None:
            raise Http404
        services.test_set_open(actor=request.user, test=test, is_open=action.startswith("open"))
    else:
        messages.error(request, _("Unknown action."))
        return redirect(reverse("training:session", args=[pk]) + "#tests")
    messages.success(request, SAVED)
    return redirect(reverse("training:session", args=[pk]) + "#tests")


def _answers_from(form_data: Any) -> dict[str, int]:
    """Question code → chosen index from a posted test; a non-number becomes -1 (refused)."""
    answers = {}
    for key, value in form_data.items():
        if key in ("csrfmiddlewaretoken",):
            continue
        if value in ("", None):
            continue
        answers[key] = int(value) if str(value).isdigit() else -1
    return answers


@never_cache
def paper_entry_view(request: HttpRequest, pk: int, enrollment_id: int, kind: str) -> HttpResponse:
    """The trainer types a paper test's answers."""
    session = _session_or_404(request, pk)
    enrollment = session.enrollments.filter(pk=enrollment_id).first()
    test = session.tests.filter(kind=kind).first()
    if enrollment is None or test is None:
        raise Http404
    bank = question_index()
    form = test_form(test.question_codes, bank, request.POST or None)
    if request.method == "POST":
        try:
            services.test_submit(
                test=test,
                enrollment=enrollment,
                entered_by=request.user,
                answers=_answers_from(request.POST),
            )
        except (scoring.AnswerError, services.TrainingError) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, SAVED)
            return redirect(reverse("training:session", args=[pk]) + "#results")
    return render(
        request,
        "training/take_test.html",
        {"form": form, "test": test, "session": session, "paper": True},
    )


@never_cache
def take_test_view(request: HttpRequest, token: str) -> HttpResponse:
    """Public page (secret link): a participant takes the open test on a phone."""
    enrollment = Enrollment.objects.filter(token=token).select_related("session").first()
    if enrollment is None:
        raise Http404
    done = set(enrollment.attempts.values_list("test__kind", flat=True))
    test = (
        enrollment.session.tests.filter(is_open=True)
        .exclude(kind__in=done)
        .order_by("-kind")
        .first()
    )  # "pre" sorts after "post": the pre-test first when both are open
    if test is None:
        return render(
            request,
            "training/take_test.html",
            {"session": enrollment.session, "nothing": True, "done": done},
        )
    bank = question_index()
    form = test_form(test.question_codes, bank, request.POST or None)
    if request.method == "POST":
        try:
            attempt = services.test_submit(
                test=test,
                enrollment=enrollment,
                answers=_answers_from(request.POST),
            )
        except (scoring.AnswerError, services.TrainingError) as exc:
            form.add_error(None, str(exc))
        else:
            return render(
                request,
                "training/take_test.html",
                {
                    "session": enrollment.session,
                    "finished": attempt,
                    "percent": scoring.Score(attempt.correct, attempt.total).percent,
                    "test": test,
                },
            )
    return render(
        request,
        "training/take_test.html",
        {"form": form, "test": test, "session": enrollment.session},
    )


def certificate_view(request: HttpRequest, pk: int, enrollment_id: int) -> HttpResponse:
    """Issue (if eligible) and download the certificate PDF."""
    session = _session_or_404(request, pk)
    enrollment = session.enrollments.filter(pk=enrollment_id).select_related("participant").first()
    if enrollment is None:
        raise Http404
    try:
        certificate = services.certificate_issue(actor=request.user, enrollment=enrollment)
    except services.TrainingError as exc:
        messages.error(request, str(exc))
        return redirect(reverse("training:session", args=[pk]) + "#results")
    verify_url = request.build_absolute_uri(
        reverse("training:verify_code", args=[certificate.code])
    )
    pdf = certificate_pdf(
        certificate=certificate,
        participant_name=enrollment.participant.full_name,
        session=session,
        verify_url=verify_url,
    )
    audit_record(
        actor=request.user,
        action="training.certificate_downloaded",
        obj=session,
        details={"certificate": certificate.code},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificat-{certificate.code}.pdf"'
    return response


def verify_view(request: HttpRequest, code: str | None = None) -> HttpResponse:
    """Public: confirms a certificate is genuine, showing nothing else about the person."""
    code = (code or request.GET.get("code", "")).strip().upper()
    certificate = None
    if code:
        certificate = (
            Certificate.objects.filter(code=code).select_related("enrollment__session").first()
        )
    return render(
        request,
        "training/verify.html",
        {"code": code, "certificate": certificate, "asked": bool(code)},
    )


def export_job_view(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    """Start the XLSX export of a session as a background job; its page shows the progress."""
    from egide.jobs.kinds import SESSION_EXPORTS
    from egide.jobs.services import job_start

    session = _session_or_404(request, pk)
    if request.method != "POST" or what not in SESSION_EXPORTS:
        raise Http404
    with transaction.atomic():
        job = job_start(
            actor=request.user,
            kind="training.session_export",
            label=str(_("Export of %(what)s — %(title)s") % {"what": what, "title": session.title}),
            params={"session": session.pk, "what": what},
        )
        audit_record(
            actor=request.user,
            action="training.exported",
            obj=session,
            details={"what": what, "job": job.pk},
        )
    return redirect("jobs:detail", pk=job.pk)


def export_view(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    """Participant list and attendance sheet (XLSX), attendance sheet to sign (PDF)."""
    session = _session_or_404(request, pk)
    rows = _rows(session)
    audit_record(
        actor=request.user, action="training.exported", obj=session, details={"what": what}
    )
    if what == "participants.xlsx":
        content = spreadsheets.workbook_bytes(
            "Participants",
            ["full_name", "sex", "age_band", "actor_type", "organisation", "phone", "email"],
            [
                [
                    r["participant"].full_name,
                    r["participant"].sex,
                    r["participant"].age_band,
                    r["participant"].actor_type,
                    r["participant"].organisation_name,
                    r["participant"].phone,
                    r["participant"].email,
                ]
                for r in rows
            ],
        )
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif what == "attendance.xlsx":
        content = spreadsheets.workbook_bytes(
            "Attendance",
            ["full_name", *[d.isoformat() for d in session.days]],
            [[r["participant"].full_name, *[1 if p else 0 for _d, p in r["days"]]] for r in rows],
        )
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif what == "attendance.pdf":
        content = attendance_pdf(session=session, rows=rows)
        content_type = "application/pdf"
    else:
        raise Http404
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="session-{session.pk}-{what}"'
    return response
