"""Reading SMS channels, deliveries and CPIMS+ referrals, starting from what the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404

from egide.cases.models import Alert
from egide.cases.permissions import alerts_visible_to
from egide.interop.models import CpimsConnection, CpimsReferral, SmsChannel, SmsDelivery
from egide.interop.permissions import can_manage_interop, can_view_sms_channels

RECENT_DELIVERIES = 50


@dataclass(frozen=True)
class DeliveryRow:
    """A delivery as a page shows it: message and number only when the viewer reads the alert."""

    delivery: SmsDelivery
    readable: bool


def channels_for(user: Any) -> list[SmsChannel]:
    if not can_view_sms_channels(user):
        return []
    return list(SmsChannel.objects.select_related("organisation", "default_region"))


def get_channel_for_admin_or_404(user: Any, pk: int) -> SmsChannel:
    channel = SmsChannel.objects.filter(pk=pk).first() if can_manage_interop(user) else None
    if channel is None:
        raise Http404
    return channel


def recent_deliveries_for(user: Any, limit: int = RECENT_DELIVERIES) -> list[DeliveryRow]:
    """The latest deliveries of every channel; which of them the viewer may read in full."""
    if not can_view_sms_channels(user):
        return []
    deliveries = list(
        SmsDelivery.objects.select_related("channel", "alert", "alert__region").order_by(
            "-received_at", "-id"
        )[:limit]
    )
    alert_ids = [d.alert_id for d in deliveries if d.alert_id is not None]
    readable = set(
        alerts_visible_to(user, Alert.objects.filter(pk__in=alert_ids)).values_list("pk", flat=True)
    )
    return [DeliveryRow(d, d.alert_id in readable) for d in deliveries]


def cpims_connection() -> CpimsConnection | None:
    """The CPIMS+ connection, if an administrator set one up."""
    return CpimsConnection.objects.order_by("pk").first()


def cpims_referral_of(case: Any) -> CpimsReferral | None:
    return CpimsReferral.objects.filter(case=case).first()
