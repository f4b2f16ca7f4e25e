"""The CPIMS+ connection and the sending of a child's case to it (run by a background job).
Errors a person can act on are ``CaseError`` (shown as is) or ``CpimsFailed``."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from egide.audit.services import audit_record
from egide.cases.models import Case, Consent
from egide.cases.services import CaseError, active_consent
from egide.interop import cpims_rules
from egide.interop.models import CpimsConnection, CpimsReferral
from egide.interop.primero import (
    PrimeroClient,
    PrimeroForbiddenAddress,
    PrimeroUnreachable,
    token_from,
)

# --- CPIMS+ connection --------------------------------------------------------------------------

BAD_MAPPING = _(
    "The field mapping sends two Égide fields to one CPIMS+ field, or to a field CPIMS+ sets "
    "itself (id, module_id, owned_by, status, record_state)."
)
PASSWORD_FOR_NEW_SERVER = _(
    "The address points to another server (scheme, host or port changed): give the account's "
    "password again, so that the current one is never sent to the new server."
)


@transaction.atomic
def cpims_connection_save(
    *,
    actor: Any,
    base_url: str,
    username: str,
    password: str,
    module_id: str,
    protection_concerns: str,
    field_map: dict[str, str],
    logins_per_minute: int,
    enabled: bool,
) -> CpimsConnection:
    """Set up or change the CPIMS+ connection (an empty password keeps the current one, but
    only for the same server: another scheme, host or port needs the password again). A
    change of address or account forgets the current session."""
    if cpims_rules.mapping_problems(field_map):
        raise CaseError(str(BAD_MAPPING))
    connection = CpimsConnection.objects.select_for_update().order_by("pk").first()
    old_host = cpims_rules.host_of(connection.base_url) if connection is not None else ""
    if connection is None:
        connection = CpimsConnection(password=password)
    elif not password and cpims_rules.origin(base_url) != cpims_rules.origin(connection.base_url):
        raise CaseError(str(PASSWORD_FOR_NEW_SERVER))
    account_changed = connection.pk is None or (
        connection.base_url != base_url or connection.username != username or bool(password)
    )
    connection.base_url = base_url
    connection.username = username
    if password:
        connection.password = password
    connection.module_id = module_id
    connection.protection_concerns = protection_concerns
    connection.field_map = {k: field_map.get(k, "") for k in cpims_rules.EGIDE_FIELDS}
    connection.logins_per_minute = max(
        1, min(logins_per_minute, cpims_rules.LOGIN_LIMIT_PER_MINUTE)
    )
    connection.enabled = enabled
    if account_changed:
        connection.token, connection.token_expires_at = "", None
    connection.updated_at, connection.updated_by = timezone.now(), actor
    connection.save()
    audit_record(
        actor=actor,
        action="cpims.connection_changed",
        obj=connection,
        details={
            "account_changed": account_changed,
            "enabled": enabled,
            "old_host": old_host,
            "new_host": cpims_rules.host_of(base_url),
            "targets": sorted({t for t in connection.field_map.values() if t}),
        },
    )
    return connection


# --- CPIMS+ referral: request -------------------------------------------------------------------

NOT_CONFIGURED = _("CPIMS+ is not set up: ask an administrator to set up the connection.")
ADULT_CASE = _(
    "Only a child's case can be sent to CPIMS+, the national child protection system: this "
    "case is not marked as a child's, or its date of birth says 18 or more."
)
NO_CPIMS_CONSENT = _(
    "No consent in force for a referral to CPIMS+: record the consent (or, for a child, a "
    "best-interests determination) for the purpose “Referral to the national child "
    "protection system (CPIMS+)” first."
)
CASE_CLOSED = _("The case is closed: reopen it first.")
ALREADY_THERE = _("This case is already in CPIMS+.")
IN_PROGRESS = _("This case is already being sent to CPIMS+.")
NO_FIELDS = _("Tick at least one field to send.")


def cpims_problem(case: Case, today: date | None = None) -> tuple[str, str] | None:
    """Why *case* may not go to CPIMS+ now, as (reason code, message); None when it may."""
    if case.purged_at or case.status == Case.Status.CLOSED:
        return "closed", str(CASE_CLOSED)
    facts = cpims_rules.ChildFacts(case.child, case.birth_year, case.birth_date or "")
    if not cpims_rules.is_child(facts, today or timezone.localdate()):
        return "adult", str(ADULT_CASE)
    if active_consent(case, Consent.Purpose.CPIMS) is None:
        return "consent", str(NO_CPIMS_CONSENT)
    return None


def _referral_locked(case: Case) -> CpimsReferral | None:
    return CpimsReferral.objects.select_for_update().filter(case=case).first()


def cpims_refer(*, actor: Any, case: Case, fields: list[str]) -> CpimsReferral:
    """Queue the sending of *case* to CPIMS+ with the ticked *fields* (a background job).

    Raises CaseError when CPIMS+ is not set up, the case is an adult's or closed, no consent or
    best-interests determination is in force (that refusal is audited), or it is already there.
    """
    from egide.jobs.services import job_start

    connection = CpimsConnection.objects.order_by("pk").first()
    if connection is None or not connection.enabled:
        raise CaseError(str(NOT_CONFIGURED))
    problem = cpims_problem(case)
    if problem is not None:
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="cpims.referral_refused",
                obj=case,
                details={"reason": problem[0]},
            )
        raise CaseError(problem[1])
    ticked = [name for name in cpims_rules.EGIDE_FIELDS if name in fields]
    if not ticked:
        raise CaseError(str(NO_FIELDS))
    with transaction.atomic():
        # The case's row is the lock: two first referrals of one case at the same moment wait
        # for each other (and the unique constraint stops a second row where rows are not locked).
        list(Case.objects.select_for_update().filter(pk=case.pk).values_list("pk"))
        referral = _referral_locked(case)
        if referral is not None and referral.done:
            raise CaseError(str(ALREADY_THERE))
        if (
            referral is not None
            and referral.status == CpimsReferral.Status.QUEUED
            and referral.job is not None
            and referral.job.active
        ):
            raise CaseError(str(IN_PROGRESS))
        if referral is None:
            referral = CpimsReferral(case=case)
        referral.fields = ticked
        referral.status = CpimsReferral.Status.QUEUED
        referral.error = ""
        referral.requested_by, referral.requested_at = actor, timezone.now()
        try:
            with transaction.atomic():
                referral.save()
        except IntegrityError as exc:  # another first referral of this case won
            raise CaseError(str(IN_PROGRESS)) from exc
        audit_record(
            actor=actor,
            action="cpims.referral_requested",
            obj=case,
            details={"referral": referral.pk, "fields": ticked},
        )
        job = job_start(
            actor=actor,
            kind="interop.cpims_send",
            label=gettext("Sending case %(code)s to CPIMS+") % {"code": case.code},
            params={"referral": referral.pk},
        )
        referral.job = job
        referral.save(update_fields=["job"])
    return referral


# --- CPIMS+ referral: sending (run by the job) --------------------------------------------------

LOGIN_REFUSED = _(
    "CPIMS+ refused the account's user name or password (401): an administrator must check the "
    "CPIMS+ connection."
)
SESSION_REFUSED = _("CPIMS+ refused the session even after a new login (401).")
FORBIDDEN = _(
    "CPIMS+ refused (403): its account may not create this case or set one of the fields sent."
)
INVALID_FIELD = _("CPIMS+ refused the field “%(field)s”: %(message)s (422).")
INVALID = _("CPIMS+ refused the case: %(message)s (422).")
THROTTLED = _("CPIMS+ asks Égide to slow down (429).")
UNREACHABLE = _("CPIMS+ did not answer (%(reason)s).")
SERVER_ERROR = _("CPIMS+ answered with an error (HTTP %(status)s).")
LOGIN_CAP = _(
    "Égide already logged in to CPIMS+ %(n)s times in the last minute (CPIMS+ locks the account "
    "after 6): waiting before the next login."
)
NO_TOKEN = _(
    "CPIMS+ accepted the login but sent no session token (Authorization header): check the "
    "CPIMS+ address."
)
FORBIDDEN_ADDRESS = _(
    "The CPIMS+ address (%(host)s) leads to a local or private network address: Égide does not "
    "send there unless the server's settings allow this host."
)
GAVE_UP = _("Not sent after %(n)s attempts. Last answer: %(last)s Try again later.")


class _Permanent(Exception):
    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


class _Retry(Exception):
    def __init__(self, message: str, status: int = 0, wait: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.wait = wait


class CpimsFailed(Exception):
    """The case could not be sent; the message is for the case's team."""


def _client(connection: CpimsConnection) -> PrimeroClient:
    return PrimeroClient(
        connection.base_url, settings.EGIDE_CPIMS_TIMEOUT, settings.EGIDE_CPIMS_ALLOWED_HOSTS
    )


def _login(connection: CpimsConnection) -> str:
    """A new session, within the login cap; the token is kept encrypted for the next sends."""
    limit = max(1, min(connection.logins_per_minute, cpims_rules.LOGIN_LIMIT_PER_MINUTE))
    with transaction.atomic():
        locked = CpimsConnection.objects.select_for_update().get(pk=connection.pk)
        now = time.time()
        recent = [t for t in locked.login_times if isinstance(t, int | float) and now - t < 60]
        if not cpims_rules.logins_allowed(recent, now, limit):
            raise _Retry(str(LOGIN_CAP) % {"n": len(recent)}, wait=60 - (now - min(recent)))
        locked.login_times = [*recent, now]
        locked.save(update_fields=["login_times"])
    try:
        answer = _client(connection).login(connection.username, connection.password)
    except PrimeroUnreachable as exc:
        raise _Retry(str(UNREACHABLE) % {"reason": exc}) from exc
    except PrimeroForbiddenAddress as exc:
        raise _Permanent(str(FORBIDDEN_ADDRESS) % {"host": exc}) from exc
    with transaction.atomic():
        audit_record(
            actor=None,
            action="cpims.login",
            obj=connection,
            details={"status": answer.status},
            actor_username="cpims",
        )
    token = token_from(answer) if answer.status == 200 else ""
    if token:
        expires = timezone.now() + timedelta(minutes=cpims_rules.TOKEN_MINUTES - 5)
        CpimsConnection.objects.filter(pk=connection.pk).update(
            token=token, token_expires_at=expires
        )
        connection.token, connection.token_expires_at = token, expires
        return token
    if answer.status == 401:
        raise _Permanent(str(LOGIN_REFUSED), 401)
    if answer.status == 429:
        raise _Retry(
            str(THROTTLED),
            429,
            cpims_rules.retry_after_seconds(answer.headers.get("Retry-After")),
        )
    if answer.status == 403:
        raise _Permanent(str(FORBIDDEN), 403)
    if answer.status == 200:
        raise _Permanent(str(NO_TOKEN), 200)
    raise _Retry(str(SERVER_ERROR) % {"status": answer.status}, answer.status)


def _session(connection: CpimsConnection) -> str:
    fresh = connection.token_expires_at is not None and connection.token_expires_at > timezone.now()
    return connection.token if fresh and connection.token else _login(connection)


def _create(connection: CpimsConnection, payload: dict[str, Any], record_id: str) -> Any:
    """One attempt: the case creation, with one new login if the session was refused."""
    token = _session(connection)
    for relogin in (False, True):
        try:
            answer = _client(connection).create_case(payload, token)
        except PrimeroUnreachable as exc:
            raise _Retry(str(UNREACHABLE) % {"reason": exc}) from exc
        except PrimeroForbiddenAddress as exc:
            raise _Permanent(str(FORBIDDEN_ADDRESS) % {"host": exc}) from exc
        outcome = cpims_rules.read_create_answer(
            answer.status, answer.body, record_id, answer.headers.get("Retry-After")
        )
        if outcome.kind != cpims_rules.OUTCOME_EXPIRED:
            return outcome
        if relogin:
            raise _Permanent(str(SESSION_REFUSED), 401)
        token = _login(connection)
    raise AssertionError("unreachable")  # pragma: no cover


def _explain(outcome: Any) -> Exception:
    """The exception an unsuccessful outcome becomes."""
    if outcome.kind == cpims_rules.OUTCOME_FORBIDDEN:
        return _Permanent(str(FORBIDDEN), outcome.status)
    if outcome.kind == cpims_rules.OUTCOME_INVALID:
        message = outcome.message or "?"
        if outcome.field:
            return _Permanent(
                str(INVALID_FIELD) % {"field": outcome.field, "message": message}, 422
            )
        return _Permanent(str(INVALID) % {"message": message}, 422)
    if outcome.kind == cpims_rules.OUTCOME_THROTTLED:
        return _Retry(str(THROTTLED), 429, outcome.retry_after)
    if outcome.kind == cpims_rules.OUTCOME_RETRY:
        return _Retry(str(SERVER_ERROR) % {"status": outcome.status}, outcome.status)
    return _Permanent(str(SERVER_ERROR) % {"status": outcome.status}, outcome.status)


def _payload(
    referral: CpimsReferral, connection: CpimsConnection
) -> tuple[dict[str, Any], list[str]]:
    """The request body, and the Égide fields it carries (ticked, with a value, mapped)."""
    case = referral.case
    values = cpims_rules.case_values(
        first_name=case.first_name,
        last_name=case.last_name,
        sex=case.sex,
        facts=cpims_rules.ChildFacts(case.child, case.birth_year, case.birth_date or ""),
        protection_concerns=connection.protection_concerns,
        today=timezone.localdate(),
    )
    payload = cpims_rules.build_case_payload(
        record_id=str(referral.record_id),
        values=values,
        ticked=list(referral.fields),
        field_map=connection.field_map,
        module_id=connection.module_id,
    )
    carried = [
        name
        for name in cpims_rules.fields_with_values(list(referral.fields), values)
        if (connection.field_map.get(name) or "").strip()
    ]
    return payload, carried


def _finish(referral: CpimsReferral, status: str, *, error: str = "", primero_id: str = "") -> None:
    referral.status, referral.error = status, error[:600]
    if primero_id:
        referral.primero_id = primero_id[:100]
    if status in (CpimsReferral.Status.SENT, CpimsReferral.Status.ALREADY_THERE):
        referral.sent_at = timezone.now()
    referral.save(update_fields=["status", "error", "primero_id", "sent_at", "attempts", "fields"])


def cpims_send(
    *,
    referral_id: int,
    sleep: Callable[[float], None] = time.sleep,
    progress: Callable[[int, int, str], None] | None = None,
) -> CpimsReferral:
    """Send one queued referral: up to EGIDE_CPIMS_ATTEMPTS attempts, waiting longer after each
    failure that may pass (no answer, 429, 5xx, login cap); a refusal (401 account, 403, 422)
    stops at once. Every attempt's outcome is audited. Raises CpimsFailed with the reason."""
    referral = CpimsReferral.objects.select_related("case", "requested_by").get(pk=referral_id)
    if referral.done:
        return referral
    language = getattr(referral.requested_by, "language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        return _send(referral, sleep, progress)


def _audit_send(referral: CpimsReferral, action: str, **details: Any) -> None:
    with transaction.atomic():
        audit_record(
            actor=None,
            action=action,
            obj=referral.case,
            details={"referral": referral.pk, **details},
            actor_username="cpims",
        )


def _send(
    referral: CpimsReferral,
    sleep: Callable[[float], None],
    progress: Callable[[int, int, str], None] | None,
) -> CpimsReferral:
    connection = CpimsConnection.objects.order_by("pk").first()
    problem: str | None = None
    if connection is None or not connection.enabled:
        problem = str(NOT_CONFIGURED)
    else:
        found = cpims_problem(referral.case)
        problem = found[1] if found is not None else None
    if problem is not None or connection is None:
        _finish(referral, CpimsReferral.Status.FAILED, error=problem or "")
        _audit_send(referral, "cpims.failed", reason="check")
        raise CpimsFailed(problem)
    payload, carried = _payload(referral, connection)
    fields = cpims_rules.sent_fields(payload)
    attempts = max(1, settings.EGIDE_CPIMS_ATTEMPTS)
    last = ""
    for attempt in range(1, attempts + 1):
        if progress is not None:
            progress(attempt - 1, attempts, "")
        if attempt > 1:
            # Consent may have been withdrawn, or the case closed or found to be an adult's,
            # while Égide waited: checked again before every attempt.
            referral.case.refresh_from_db()
            found = cpims_problem(referral.case)
            if found is not None:
                _finish(referral, CpimsReferral.Status.FAILED, error=found[1])
                _audit_send(referral, "cpims.failed", reason=found[0], attempt=attempt)
                raise CpimsFailed(found[1])
        referral.attempts += 1
        try:
            outcome = _create(connection, payload, str(referral.record_id))
            if outcome.kind in (
                cpims_rules.OUTCOME_CREATED,
                cpims_rules.OUTCOME_ALREADY_THERE,
            ):
                referral.fields = carried  # what travelled: ticked, with a value
            if outcome.kind == cpims_rules.OUTCOME_CREATED:
                _finish(referral, CpimsReferral.Status.SENT, primero_id=outcome.primero_id)
                _audit_send(referral, "cpims.sent", status=outcome.status, fields=fields)
                return referral
            if outcome.kind == cpims_rules.OUTCOME_ALREADY_THERE:
                _finish(referral, CpimsReferral.Status.ALREADY_THERE, primero_id=outcome.primero_id)
                _audit_send(referral, "cpims.already_there", status=409, fields=fields)
                return referral
            raise _explain(outcome)
        except _Permanent as refusal:
            _finish(referral, CpimsReferral.Status.FAILED, error=str(refusal))
            _audit_send(
                referral, "cpims.failed", status=refusal.status, attempt=attempt, fields=fields
            )
            raise CpimsFailed(str(refusal)) from refusal
        except _Retry as passing:
            last = str(passing)
            referral.save(update_fields=["attempts"])
            _audit_send(
                referral,
                "cpims.attempt_failed",
                status=passing.status,
                attempt=attempt,
                fields=fields,
            )
            if attempt < attempts:
                wait = cpims_rules.backoff_seconds(attempt, settings.EGIDE_CPIMS_BACKOFF_SECONDS)
                if passing.wait is not None:
                    wait = max(wait, min(passing.wait, 300.0))
                sleep(wait)
    message = str(GAVE_UP) % {"n": attempts, "last": last}
    _finish(referral, CpimsReferral.Status.FAILED, error=message)
    _audit_send(referral, "cpims.failed", reason="attempts", attempt=attempts, fields=fields)
    raise CpimsFailed(message)
