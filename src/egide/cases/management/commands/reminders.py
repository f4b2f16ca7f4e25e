"""`egide reminders`: e-mail everyone their overdue alerts, referrals and follow-ups (daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from egide.cases.reminders import reminders_send


class Command(BaseCommand):
    help = "Send the daily reminders of overdue steps (run it from cron once a day)."

    def handle(self, *args: Any, **options: Any) -> None:
        summary = reminders_send()
        self.stdout.write(
            f"Reminders: {summary['emails']} e-mail(s) to {summary['people']} person(s), "
            f"{summary['items']} overdue step(s)."
        )
