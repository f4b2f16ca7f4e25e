"""SMS channels and the alerts their messages become (through the cases app's alert service).
Each write is audited in its transaction."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from egide.audit.services import audit_record
from egide.cases.models import Alert, Case
from egide.cases.services import alert_raise
from egide.core.crypto import blind_index
from egide.core.models import Prefecture, Region
from egide.core.throttle import parse_rate
from egide.interop import sms_parsing
from egide.interop.models import SmsChannel, SmsDelivery

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
    # message_id is a digest of the content (the gateway gave no id): see _same_message_ids.
    derived_id: bool = False


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
    recent = SmsDelivery.objects.filter(
        sender_index=sender_index, received_at__gte=since, alert__isnull=False
    )
    return recent.count() >= allowed


def _same_message_ids(inbound: Inbound, now: datetime) -> tuple[str, list[str], datetime | None]:
    """(id to store, ids under which the same message may already be stored, since when).

    A gateway's own id means the same message whenever it comes back. A digest of the content
    (RapidPro's default body has no id) means a retry only within EGIDE_SMS_RETRY_WINDOW_SECONDS:
    it is stored with the number of its time slot of that length, and looked up in the current
    and the previous slot, received within the window (a retry across a slot edge is still
    found; the same words texted again later are a new message)."""
    if not inbound.derived_id:
        return inbound.message_id, [inbound.message_id], None
    window = max(1, int(settings.EGIDE_SMS_RETRY_WINDOW_SECONDS))
    slot = int(now.timestamp() // window)
    ids = [f"{inbound.message_id}:{slot}", f"{inbound.message_id}:{slot - 1}"]
    return ids[0], ids, now - timedelta(seconds=window)


def _existing(
    channel: SmsChannel, message_ids: list[str], since: datetime | None = None
) -> Received | None:
    """The alert the same message already became; SmsRefused when it was refused (rate)."""
    found = SmsDelivery.objects.filter(channel=channel, message_id__in=message_ids)
    if since is not None:
        found = found.filter(received_at__gte=since)
    delivery = found.select_related("alert").order_by("-received_at", "-id").first()
    if delivery is None:
        return None
    if delivery.alert is None:
        raise SmsRefused(str(RATE_LIMITED))
    return Received(delivery.alert, True, delivery.recognised)


def _refuse_for_rate(
    channel: SmsChannel, inbound: Inbound, stored_id: str, sender_index: str, now: datetime
) -> SmsRefused:
    """Past the rate the message raises no alert, but is kept (encrypted, like any) and the
    refusal audited: nothing vanishes without trace."""
    try:
        with transaction.atomic():
            delivery = SmsDelivery.objects.create(
                channel=channel,
                message_id=stored_id,
                received_at=now,
                sender=inbound.sender,
                sender_index=sender_index,
                text=inbound.text,
            )
            audit_record(
                actor=channel.account,
                action="sms.rate_limited",
                obj=delivery,
                details={"channel": channel.pk},
            )
    except IntegrityError:
        pass  # the same message refused at the same moment: kept once
    return SmsRefused(str(RATE_LIMITED))


def sms_receive(*, channel: SmsChannel, inbound: Inbound) -> Received:
    """Turn a message into an alert through the cases app's alert service (routing to the
    region's supervisors, triage deadline, reference code). The same message id again gives the
    first alert back and creates nothing. Raises SmsRefused past the per-number rate."""
    now = timezone.now()
    stored_id, same_ids, since = _same_message_ids(inbound, now)
    again = _existing(channel, same_ids, since)
    if again is not None:
        return again
    sender_index = blind_index(sms_parsing.number_key(inbound.sender))
    if _rate_exceeded(sender_index):
        raise _refuse_for_rate(channel, inbound, stored_id, sender_index, now)
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
                message_id=stored_id,
                received_at=now,
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
        again = _existing(channel, [stored_id])
        if again is None:
            raise
        return again
    return Received(alert, False, parsed.recognised)


def sms_deliveries_purge(*, case: Case | None = None, alert: Alert | None = None) -> int:
    """Erase the sender's number, its blind index and the text of the SMS whose alerts led to
    *case*, or that *alert* came from (called by the retention purges, in their transaction);
    returns how many."""
    if (case is None) == (alert is None):
        raise ValueError("a case or an alert")
    chosen = {"alert__case": case} if case is not None else {"alert": alert}
    return SmsDelivery.objects.filter(**chosen).update(sender="", sender_index="", text="")


def sms_sender_index_expire(*, now: datetime | None = None) -> int:
    """Forget the blind index of the sender's number of deliveries older than the rate-limit
    window (the index serves only the rate limit; an HMAC of a phone number can be brute-forced
    by whoever holds the key, so it is not kept longer). Run hourly by a scheduled job; returns
    how many deliveries lost it."""
    _allowed, window = parse_rate(settings.EGIDE_SMS_RATE_PER_NUMBER)
    before = (now or timezone.now()) - timedelta(seconds=window)
    return (
        SmsDelivery.objects.filter(received_at__lt=before)
        .exclude(sender_index="")
        .update(sender_index="")
    )


def sms_deliveries_viewed(*, actor: Any, deliveries: list[int]) -> None:
    """Messages and numbers of these deliveries (ids) were shown."""
    if deliveries:
        audit_record(
            actor=actor,
            action="sms.deliveries_viewed",
            details={"shown": len(deliveries), "deliveries": sorted(deliveries)},
        )
