"""`egide totp USERNAME`: print the current TOTP code of a demo account (development only)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from egide.accounts.models import Authenticator

REFUSED = "egide totp is a development helper; these settings (EGIDE_DEV_TOOLS off) refuse it."


class Command(BaseCommand):
    help = "Print the current TOTP code of an account (development settings only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.EGIDE_DEV_TOOLS:
            raise CommandError(REFUSED)
        device = Authenticator.objects.filter(
            user__username=options["username"], confirmed=True
        ).first()
        if device is None:
            raise CommandError(f"No confirmed authenticator for {options['username']!r}.")
        self.stdout.write(device.current_code())
