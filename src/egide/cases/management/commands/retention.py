"""`egide retention purge`: erase identifying data of closed cases and of alerts closed without a
case past their retention date."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from egide.cases.services import alerts_retention_purge, retention_purge


class Command(BaseCommand):
    help = "Data retention. 'purge' erases identifying data of cases past their retention date."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("purge", help="Purge identifying data whose retention date has passed.")

    def handle(self, *args: Any, **options: Any) -> None:
        from egide.screening.services import interview_drafts_purge

        count = retention_purge()
        self.stdout.write(f"Retention purge: {count} case(s) purged.")
        alerts = alerts_retention_purge()
        self.stdout.write(f"Retention purge: {alerts} alert(s) closed without a case purged.")
        drafts = interview_drafts_purge()
        self.stdout.write(f"Retention purge: {drafts} expired interview draft(s) deleted.")
