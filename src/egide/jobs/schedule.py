"""What runs on a schedule. `egide schedule` (one process, on one or several worker hosts) puts
each entry on the queue once per slot: the ScheduleRun unique constraint stops a second
scheduler from enqueuing the same slot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from egide.jobs.models import ScheduleRun
from egide.jobs.services import KINDS, job_start


@dataclass(frozen=True)
class Entry:
    kind: str
    every: timedelta
    offset: timedelta = timedelta(0)  # from 00:00 UTC: a daily entry at 06:00 has offset 6 h


DAY = timedelta(days=1)
SCHEDULE: list[Entry] = [
    Entry("cases.reminders", DAY, offset=timedelta(hours=7)),
    Entry("cases.retention_purge", DAY, offset=timedelta(hours=2)),
    Entry("jobs.cleanup", timedelta(hours=1)),
    # The SMS sender's blind index is kept only as long as the rate limit needs it.
    Entry("interop.sms_index_expire", timedelta(hours=1)),
    Entry("jobs.detect_stale", timedelta(minutes=5)),
    # Events are sealed within a minute of commit; the audit page alarms after 5 minutes.
    Entry("audit.seal", timedelta(minutes=1)),
    # The dashboards' summary: months changed since the last minute, and everything nightly.
    Entry("monitoring.refresh_figures", timedelta(minutes=1)),
    Entry("monitoring.rebuild_figures", DAY, offset=timedelta(hours=3)),
]


def slot_of(entry: Entry, now: datetime) -> int:
    return int((now.timestamp() - entry.offset.total_seconds()) // entry.every.total_seconds())


def schedule_tick(*, now: datetime | None = None) -> list[str]:
    """Enqueue every entry whose current slot has not run yet; returns the kinds enqueued.
    A daily entry runs at its offset, or at the first tick after it that day."""
    now = now or timezone.now()
    started = []
    for entry in SCHEDULE:
        slot = slot_of(entry, now)
        try:
            with transaction.atomic():
                run = ScheduleRun.objects.create(name=entry.kind, slot=slot)
                run.job = job_start(
                    actor=None, kind=entry.kind, label=str(KINDS[entry.kind].label), params={}
                )
                run.save(update_fields=["job"])
        except IntegrityError:
            continue
        started.append(entry.kind)
    return started
