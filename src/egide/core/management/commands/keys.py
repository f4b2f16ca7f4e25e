"""`egide keys rotate`: re-encrypt every encrypted value under the first key."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from egide.core.services import encryption_keys_rotate


class Command(BaseCommand):
    help = "Field-encryption keys. 'rotate' re-encrypts every value with the first key."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("rotate", help="Re-encrypt all encrypted values with the first key.")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = encryption_keys_rotate(actor=None)
        total = sum(counts.values())
        for label, count in sorted(counts.items()):
            self.stdout.write(f"{label}: {count} values re-encrypted")
        self.stdout.write(f"Key rotation done: {total} values re-encrypted.")
