"""`egide audit verify`: check the audit trail's hash chain."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egide.audit.services import audit_verify


class Command(BaseCommand):
    help = "Audit trail tools. 'verify' checks the hash chain and names the first broken event."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("verify", help="Check every link of the hash chain.")

    def handle(self, *args: Any, **options: Any) -> None:
        count, broken = audit_verify()
        if broken is not None:
            raise CommandError(
                f"Audit chain BROKEN at event {broken.event_id}: {broken.reason} "
                f"({count} events read)."
            )
        self.stdout.write(f"Audit chain intact: {count} events verified.")
