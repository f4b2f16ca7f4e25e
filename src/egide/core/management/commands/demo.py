"""`egide demo`: load fictitious demonstration data (idempotent) and print the logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from egide.accounts.permissions import role_codes
from egide.accounts.roles import role_label
from egide.core.demo import DEMO_PASSWORD, load_accounts


class Command(BaseCommand):
    help = "Create fictitious organisations and one account per role; print their logins."

    def handle(self, *args: Any, **options: Any) -> None:
        accounts = load_accounts()
        from egide.cases.demo import load_protection

        load_protection()
        from egide.training.demo import load_training

        load_training()
        from egide.policy.demo import load_policy

        load_policy()
        self.stdout.write("")
        self.stdout.write("Demo accounts (FICTITIOUS people and organisations)")
        self.stdout.write(f"Password for every account: {DEMO_PASSWORD}")
        self.stdout.write(
            "TOTP secret: add it to an authenticator app, or run "
            "'egide totp <username>' (development settings only)."
        )
        self.stdout.write(f"{'username':<14} {'role':<32} TOTP secret")
        for user, secret in accounts:
            label = ", ".join(role_label(c) for c in sorted(role_codes(user)))
            self.stdout.write(f"{user.username:<14} {label:<32} {secret or '(not required)'}")
        self.stdout.write(
            "A new account sets up its authenticator with a one-time code from an administrator: "
            "admin > accounts > 'Issue an authenticator enrolment code', or "
            "'egide enrolment_code <username>'."
        )
