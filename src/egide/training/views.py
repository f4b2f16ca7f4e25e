"""Training pages: curriculum, sessions, participants, attendance, tests, certificates, exports;
and two public pages: a participant's test (by secret link) and certificate verification."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from egide.audit.services import audit_record
from egide.core.exports import export_response
from egide.core.feedback import saved_at
from egide.core.numbers import whole_number
from egide.core.paging import page_without_count
from egide.core.throttle import public_throttle
from egide.training import scoring, services, spreadsheets
from egide.training.certificates import attendance_pdf, certificate_pdf
from egide.training.curriculum import curriculum, module, question_index
from egide.training.forms import (
    ImportForm,
    ParticipantForm,
    SessionForm,
    SessionSearchForm,
    test_form,
)
from egide.training.models import Certificate, Enrollment, TrainingSession
from egide.training.permissions import (
    can_read_curriculum,
    can_run_training,
    sessions_visible_to,
)
from egide.training.selectors import session_rows

SAVED = _("Saved.")


def _session_or_404(request: HttpRequest, pk: int) -> TrainingSession:
    if not can_run_training(request.user):
        raise Http404
    session = (
        sessions_visible_to(request.user, TrainingSession.objects.select_related("region"))
        .filter(pk=pk)
        .first()
    )
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
    """Sessions, searchable by words in the title or venue, region, kind and dates; paged."""
    if not can_run_training(request.user):
        raise Http404
    form = SessionSearchForm(request.GET or None)
    sessions = sessions_visible_to(
        request.user, TrainingSession.objects.select_related("region")
    ).order_by("-start_date", "-pk")
    searched = False
    if form.is_valid():
        data = form.cleaned_data
        if data["q"].strip():
            q = data["q"].strip()
            sessions = sessions.filter(Q(title__icontains=q) | Q(venue__icontains=q))
        if data["region"]:
            sessions = sessions.filter(region=data["region"])
        if data["kind"]:
            sessions = sessions.filter(kind=data["kind"])
        if data["date_from"]:
            sessions = sessions.filter(end_date__gte=data["date_from"])
        if data["date_to"]:
            sessions = sessions.filter(start_date__lte=data["date_to"])
        searched = any(v not in (None, "") for v in data.values())
    page = page_without_count(sessions, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "training/session_list.html",
        {"page": page, "form": form, "query": query.urlencode(), "searched": searched},
    )


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
            messages.success(request, _("Session created. Now register its participants."))
            return redirect("training:session", pk=session.pk)
    if request.method == "POST" and form.errors:
        messages.error(request, _("The session is not created yet: correct the fields marked."))
    return render(request, "training/session_form.html", {"form": form})


def session_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The session page: participants, attendance, tests, results and certificates."""
    session = _session_or_404(request, pk)
    services.participant_contacts_viewed(actor=request.user, session=session)
    days = session.days  # computed once: the page's cost is days × participants, no more
    rows = session_rows(session, days)
    # One attendance form per day, its participants in page order (built here in one pass;
    # the template used to search every row's days for each day: days² × participants).
    attendance = [
        (index, day, [(r["enrollment"], r["participant"], r["days"][index][1]) for r in rows])
        for index, day in enumerate(days)
    ]
    tests = {t.kind: t for t in session.tests.all()}
    bank = question_index()
    analysis = []
    if "post" in tests:
        # A paper score typed without its answers says nothing about the questions. The
        # attempts come with the rows (prefetched once, not read again).
        attempts = [
            a.answers
            for row in rows
            for a in row["enrollment"].attempts.all()
            if a.test_id == tests["post"].pk and (a.answers or a.entered_by_id is None)
        ]
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
            "attendance": attendance,
            "day_count": len(days),
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
    url = reverse("training:session", args=[pk])
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                label = form.fields[field].label if field in form.fields else ""
                messages.error(request, f"{label} : {error}", extra_tags="at-participants")
        return redirect(url + "#participants")
    try:
        services.participant_register(actor=request.user, session=session, **form.cleaned_data)
    except services.TrainingError as exc:
        return saved_at(request, url, "participants", str(exc), messages.ERROR)
    return saved_at(request, url, "participants", str(SAVED))


def participant_import_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Import participants from XLSX: every row is checked first; one bad row saves none."""
    session = _session_or_404(request, pk)
    if request.method != "POST":
        raise Http404
    form = ImportForm(request.POST, request.FILES)
    url = reverse("training:session", args=[pk])
    if not form.is_valid():
        return saved_at(
            request, url, "participants", str(_("Choose an XLSX file to import.")), messages.ERROR
        )
    try:
        rows = spreadsheets.parse_participants(form.cleaned_data["file"].read())
        with transaction.atomic():
            for row in rows:
                services.participant_register(actor=request.user, session=session, **row)
    except spreadsheets.ImportError_ as exc:
        for problem in exc.problems:
            messages.error(request, problem, extra_tags="at-participants")
    except services.TrainingError as exc:
        messages.error(request, str(exc), extra_tags="at-participants")
    else:
        messages.success(
            request,
            _("%(n)s participant(s) imported.") % {"n": len(rows)},
            extra_tags="at-participants",
        )
    return redirect(url + "#participants")


def attendance_view(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_or_404(request, pk)
    if request.method != "POST":
        raise Http404
    url = reverse("training:session", args=[pk])
    try:
        day = date.fromisoformat(request.POST.get("day", ""))
    except ValueError:
        return saved_at(
            request, url, "attendance", str(_("Give the day as a date.")), messages.ERROR
        )
    present = {n for v in request.POST.getlist("present") if (n := whole_number(v)) is not None}
    try:
        services.attendance_record(
            actor=request.user, session=session, day=day, present_ids=present
        )
    except services.TrainingError as exc:
        return saved_at(request, url, "attendance", str(exc), messages.ERROR)
    return saved_at(
        request,
        url,
        "attendance",
        str(_("Attendance of %(day)s saved: %(n)s present."))
        % {"day": date_format(day, "j F"), "n": len(present)},
    )


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
        return saved_at(
            request,
            reverse("training:session", args=[pk]),
            "tests",
            str(_("Unknown action.")),
            messages.ERROR,
        )
    return saved_at(request, reverse("training:session", args=[pk]), "tests", str(SAVED))


def _answers_from(form_data: Any) -> dict[str, int]:
    """Question code → chosen index from a posted test; a non-number becomes -1 (refused)."""
    answers = {}
    for key, value in form_data.items():
        if key in ("csrfmiddlewaretoken",):
            continue
        if value in ("", None):
            continue
        number = whole_number(value)
        answers[key] = -1 if number is None else number
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
            return saved_at(request, reverse("training:session", args=[pk]), "results", str(SAVED))
    return render(
        request,
        "training/take_test.html",
        {"form": form, "test": test, "session": session, "paper": True},
    )


def _own_results(enrollment: Enrollment) -> dict[str, Any]:
    """What a participant sees of their own results: scores, days, and why no certificate."""
    days = len(enrollment.session.days)
    present = enrollment.attendance.filter(present=True).count()
    scores = services.scores_from(enrollment.attempts.select_related("test"))
    return {
        "pre": scores["pre"],
        "post": scores["post"],
        "present": present,
        "days": days,
        "certificate": Certificate.objects.filter(enrollment=enrollment).exists(),
        "eligible": services.eligible(present, days, scores["post"]),
        "shortfall": services.certificate_shortfalls(present, days, scores["post"]),
    }


@never_cache
@public_throttle("training_test")
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
            {
                "session": enrollment.session,
                "nothing": True,
                "done": done,
                "results": _own_results(enrollment),
            },
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
                    "results": _own_results(enrollment),
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
        return saved_at(
            request, reverse("training:session", args=[pk]), "results", str(exc), messages.ERROR
        )
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


@public_throttle("certificate_verify")
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
    if what not in ("participants.xlsx", "attendance.xlsx", "attendance.pdf"):
        raise Http404
    rows = session_rows(session)
    audit_record(
        actor=request.user, action="training.exported", obj=session, details={"what": what}
    )
    filename = f"session-{session.pk}-{what}"
    if what in ("participants.xlsx", "attendance.xlsx"):
        title, header, lines = spreadsheets.session_export_table(session, what, rows)
        return export_response(filename, header, lines, title=title)
    response = HttpResponse(
        attendance_pdf(session=session, rows=rows), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
