"""`egide audit verify|seal|keygen`: check, seal and key the audit trail."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from egide.audit.keys import new_audit_key, new_signing_key, public_key_text, signing_key
from egide.audit.sealer import SealRefusedError, seal
from egide.audit.verification import audit_verify_report


class Command(BaseCommand):
    help = (
        "Audit trail tools. 'verify' recomputes the sealed chain with EGIDE_AUDIT_KEY and checks "
        "it against the signed checkpoints kept outside the database; 'seal' seals committed "
        "events and writes a checkpoint; 'keygen' prints new keys."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser(
            "verify",
            help="Report truncation, deletion, rewriting and bad checkpoint signatures; "
            "exit 1 on any finding.",
        )
        sub.add_parser("seal", help="Seal every committed unsealed event and sign a checkpoint.")
        sub.add_parser("keygen", help="Print a new EGIDE_AUDIT_KEY and EGIDE_AUDIT_SIGNING_KEY.")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['subcommand']}")()

    def _seal(self) -> None:
        try:
            count = seal()
        except SealRefusedError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Audit trail: {count} event(s) sealed.")

    def _keygen(self) -> None:
        private = new_signing_key()
        self.stdout.write(f"EGIDE_AUDIT_KEY={new_audit_key()}")
        self.stdout.write(f"EGIDE_AUDIT_SIGNING_KEY={private}")
        public = public_key_text(signing_key(private).public_key())
        self.stdout.write(f"# public key of the signing key (for witnesses): {public}")

    def _verify(self) -> None:
        report = audit_verify_report()
        sealed = report.walked
        for finding in report.findings:
            self.stderr.write(str(finding))
        if report.unsealed:
            oldest = report.oldest_unsealed
            age = f", oldest from {timezone.localtime(oldest):%Y-%m-%d %H:%M}" if oldest else ""
            self.stdout.write(f"{report.unsealed} event(s) not sealed yet{age}.")
        if report.findings:
            raise CommandError(
                f"Audit trail NOT intact: {len(report.findings)} finding(s) "
                f"({', '.join(sorted({f.kind for f in report.findings}))}); "
                f"{sealed.sealed} sealed event(s) read, checkpoints from {report.checkpoint_file}."
            )
        latest = report.latest
        against = (
            f"{len(report.checkpoints)} signed checkpoint(s) in {report.checkpoint_file} "
            f"(latest: tree size {latest.tree_size}, {latest.time})"
            if latest
            else f"no checkpoint yet in {report.checkpoint_file}"
        )
        self.stdout.write(
            f"Audit trail intact: {sealed.sealed} sealed event(s) verified with the key against "
            f"{against}."
        )
        if latest and sealed.tree_size > latest.tree_size:
            self.stdout.write(
                f"Note: {sealed.tree_size - latest.tree_size} sealed event(s) are newer than the "
                "latest external checkpoint."
            )
