"""Writes of the interoperability app: SMS channels and the alerts their messages become; the
CPIMS+ connection and the sending of a child's case to it. Each write is audited in its
transaction. Errors a person can act on are ``CaseError`` (shown as is) or ``SmsRefused``."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from egide.audit.services import audit_record
from egide.cases.models import Alert, Case, Consent
from egide.cases.services import CaseError, active_consent, alert_raise
from egide.core.crypto import blind_index
from egide.core.models import Prefecture, Region
from egide.core.throttle import parse_rate
from egide.interop import cpims_rules, sms_parsing
from egide.interop.models import CpimsConnection, CpimsReferral, SmsChannel, SmsDelivery
from egide.interop.primero import PrimeroClient, PrimeroUnreachable, token_from

# --- SMS channels -------------------------------------------------------------------------------

RATE_LIMITED = _("Too many messages from this number: wait before sending another.")
NO_DETAILS = _("(no details in the message)")
NOT_STATED = _("Not stated (alert received by SMS).")
RECEIVED_BY_SMS = _("Received by SMS (%(channel)s): %(text)s")
TO_QUALIFY = _("TO QUALIFY — message not recognised, received by SMS (%(channel)s): %(text)s")
REPLY_RECOGNISED = _(
    "Alert received, reference %(ref)s. Thank you. In immediate danger, call 116 (free)."
)
REPLY_TO_QUALIFY = _(
    "Message received, reference %(ref)s. A supervisor will read it. To be understood at once, "
    "write: ALERTE <region> <URGENT> <what you saw>."
)
# Compared with when the channel does not exist, so that the answer takes the same time.
_DUMMY_DIGEST = hashlib.sha256(b"egide-no-such-channel").hexdigest()


class SmsRefused(Exception):
    """A message was refused (rate limit); the message says why, in the system's language."""


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)


@transaction.atomic
def sms_channel_create(
    *,
    actor: Any,
    name: str,
    kind: str,
    organisation: Any,
    default_region: Region,
    is_active: bool = True,
) -> tuple[SmsChannel, str]:
    """Make a channel, its own account (which cannot log in) and its secret; the secret is
    returned once and kept only as a digest."""
    from egide.accounts.models import User

    account = User.objects.create_user(
        username=f"sms-{uuid.uuid4().hex[:12]}",
        password=None,
        organisation=organisation,
        first_name="SMS",
        last_name=name[:150],
        is_active=False,
    )
    secret = new_secret()
    channel = SmsChannel.objects.create(
        name=name,
        kind=kind,
        organisation=organisation,
        default_region=default_region,
        account=account,
        secret_digest=_digest(secret),
        is_active=is_active,
    )
    audit_record(actor=actor, action="sms.channel_created", obj=channel, details={"kind": kind})
    return channel, secret


@transaction.atomic
def sms_channel_update(*, actor: Any, channel: SmsChannel, **fields: Any) -> SmsChannel:
    """Change a channel's name, organisation, default region or activity."""
    changed = []
    for name in ("name", "kind", "organisation", "default_region", "is_active"):
        if name in fields and getattr(channel, name) != fields[name]:
            setattr(channel, name, fields[name])
            changed.append(name)
    if changed:
        channel.save()
        if "organisation" in changed:
            channel.account.organisation = channel.organisation
            channel.account.save(update_fields=["organisation"])
        audit_record(
            actor=actor, action="sms.channel_changed", obj=channel, details={"fields": changed}
        )
    return channel


@transaction.atomic
def sms_channel_rotate_secret(*, actor: Any, channel: SmsChannel) -> str:
    """A new secret for the channel (the old one stops working at once); returned once."""
    secret = new_secret()
    channel.secret_digest = _digest(secret)
    channel.save(update_fields=["secret_digest"])
    audit_record(actor=actor, action="sms.secret_rotated", obj=channel)
    return secret


def sms_channel_authenticate(public_id: Any, secret: str, kind: str) -> SmsChannel | None:
    """The active channel of that id and kind whose secret this is; None otherwise. The
    secret's digest is compared in constant time, also when no such channel exists."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        key = None
    channel = (
        SmsChannel.objects.select_related("account", "default_region")
        .filter(public_id=key, kind=kind, is_active=True)
        .first()
        if key is not None
        else None
    )
    expected = channel.secret_digest if channel is not None else _DUMMY_DIGEST
    matches = hmac.compare_digest(_digest(secret or ""), expected)
    return channel if matches and channel is not None else None


@dataclass(frozen=True)
class Inbound:
    """One message as a gateway delivered it (already checked for shape and size)."""

    message_id: str
    sender: str
    text: str
    seen_on: date | None = None
    results: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Received:
    """What became of a message: its alert (the reference to text back)."""

    alert: Alert
    duplicate: bool
    recognised: bool

    @property
    def reply(self) -> str:
        template = REPLY_RECOGNISED if self.recognised else REPLY_TO_QUALIFY
        with translation.override(settings.LANGUAGE_CODE):
            return str(template) % {"ref": self.alert.code}


def places() -> dict[str, sms_parsing.Place]:
    """Region and prefecture names → Place, from the reference data."""
    return sms_parsing.place_index(
        list(Region.objects.values_list("code", "name")),
        list(Prefecture.objects.values_list("code", "name", "region__code")),
    )


def _rate_exceeded(sender_index: str) -> bool:
    """The number already sent EGIDE_SMS_RATE_PER_NUMBER alerts in the sliding window. Counted
    in the database (indexed blind index of the number), so every web process sees the same."""
    allowed, window = parse_rate(settings.EGIDE_SMS_RATE_PER_NUMBER)
    since = timezone.now() - timedelta(seconds=window)
    recent = SmsDelivery.objects.filter(sender_index=sender_index, received_at__gte=since)
    return recent.count() >= allowed


def _existing(channel: SmsChannel, message_id: str) -> Received | None:
    found = (
        SmsDelivery.objects.filter(channel=channel, message_id=message_id)
        .select_related("alert")
        .first()
    )
    if found is None or found.alert is None:
        return None
    return Received(found.alert, True, found.recognised)


def sms_receive(*, channel: SmsChannel, inbound: Inbound) -> Received:
    """Turn a message into an alert through the cases app's alert service (routing to the
    region's supervisors, triage deadline, reference code). The same message id again gives the
    first alert back and creates nothing. Raises SmsRefused past the per-number rate."""
    again = _existing(channel, inbound.message_id)
    if again is not None:
        return again
    sender_index = blind_index(inbound.sender)
    if _rate_exceeded(sender_index):
        raise SmsRefused(str(RATE_LIMITED))
    index = places()
    if channel.kind == SmsChannel.Kind.RAPIDPRO and inbound.results:
        parsed = sms_parsing.parse_flow_results(inbound.results, inbound.text, index)
    else:
        parsed = sms_parsing.parse_sms(inbound.text, index)
    region = channel.default_region
    prefecture = None
    if parsed.recognised and parsed.place is not None:
        region = Region.objects.get(code=parsed.place.region_code)
        if parsed.place.prefecture_code:
            prefecture = Prefecture.objects.filter(code=parsed.place.prefecture_code).first()
    today = timezone.localdate()
    seen_on = min(inbound.seen_on, today) if inbound.seen_on else today
    with translation.override(settings.LANGUAGE_CODE):
        if parsed.recognised:
            seen = str(RECEIVED_BY_SMS) % {
                "channel": channel.name,
                "text": parsed.description or str(NO_DETAILS),
            }
        else:
            seen = str(TO_QUALIFY) % {
                "channel": channel.name,
                "text": inbound.text.strip() or str(NO_DETAILS),
            }
        person = str(NOT_STATED)
    try:
        with transaction.atomic():
            alert = alert_raise(
                actor=channel.account,
                region=region,
                prefecture=prefecture,
                seen_on=seen_on,
                person_description=person,
                what_was_seen=seen[:4000],
                urgency=parsed.urgency,
                child_concerned=parsed.child,
            )
            delivery = SmsDelivery.objects.create(
                channel=channel,
                message_id=inbound.message_id,
                sender=inbound.sender,
                sender_index=sender_index,
                text=inbound.text,
                recognised=parsed.recognised,
                alert=alert,
            )
            audit_record(
                actor=channel.account,
                action="sms.received",
                obj=delivery,
                details={
                    "channel": channel.pk,
                    "alert": alert.code,
                    "recognised": parsed.recognised,
                },
            )
    except IntegrityError:
        # The same message delivered twice at the same moment: the other delivery won.
        again = _existing(channel, inbound.message_id)
        if again is None:
            raise
        return again
    return Received(alert, False, parsed.recognised)


def sms_deliveries_purge(*, case: Case) -> int:
    """Erase the sender's number and the text of the SMS whose alerts led to *case* (called by
    the retention purge of the case, in its transaction); returns how many."""
    return SmsDelivery.objects.filter(alert__case=case).update(sender="", text="")


def sms_deliveries_viewed(*, actor: Any, shown: int) -> None:
    """Messages and numbers of deliveries were shown (count only)."""
    if shown:
        audit_record(actor=actor, action="sms.deliveries_viewed", details={"shown": shown})


# --- CPIMS+ connection --------------------------------------------------------------------------


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
    """Set up or change the CPIMS+ connection (an empty password keeps the current one). A
    change of address or account forgets the current session."""
    connection = CpimsConnection.objects.select_for_update().order_by("pk").first()
    if connection is None:
        connection = CpimsConnection(password=password)
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
        details={"account_changed": account_changed, "enabled": enabled},
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
        referral = CpimsReferral.objects.select_for_update().filter(case=case).first()
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
        referral.save()
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
    return PrimeroClient(connection.base_url, settings.EGIDE_CPIMS_TIMEOUT)


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
            _audit_send(referral, "cpims.failed", status=refusal.status, attempt=attempt)
            raise CpimsFailed(str(refusal)) from refusal
        except _Retry as passing:
            last = str(passing)
            referral.save(update_fields=["attempts"])
            _audit_send(referral, "cpims.attempt_failed", status=passing.status, attempt=attempt)
            if attempt < attempts:
                wait = cpims_rules.backoff_seconds(attempt, settings.EGIDE_CPIMS_BACKOFF_SECONDS)
                if passing.wait is not None:
                    wait = max(wait, min(passing.wait, 300.0))
                sleep(wait)
    message = str(GAVE_UP) % {"n": attempts, "last": last}
    _finish(referral, CpimsReferral.Status.FAILED, error=message)
    _audit_send(referral, "cpims.failed", reason="attempts", attempt=attempts)
    raise CpimsFailed(message)
