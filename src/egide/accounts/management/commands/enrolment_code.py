"""`egide enrolment_code USERNAME`: a one-time code to set up (or replace) an authenticator."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egide.accounts.models import User
from egide.accounts.services import enrolment_code_issue


class Command(BaseCommand):
    help = (
        "Issue a one-time enrolment code with which USERNAME sets up a new authenticator at the "
        "next login (any current authenticator and API token of the account are removed)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No account {options['username']!r}.")
        enrolment, code = enrolment_code_issue(actor=None, user=user)
        self.stdout.write(f"Enrolment code for {user.username}: {code}")
        self.stdout.write(f"Valid once, until {enrolment.expires_at:%Y-%m-%d %H:%M %Z}.")
