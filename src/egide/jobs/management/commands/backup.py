"""`egide backup FILE`: an encrypted archive of the database and uploaded files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egide.audit.services import audit_record
from egide.jobs.backup import BackupError, backup_write


class Command(BaseCommand):
    help = "Write an encrypted backup (key: EGIDE_BACKUP_KEY). The field keys are never in it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup_write(options["file"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        # A copy of every identity left the database: that is an export, and it is audited.
        audit_record(
            actor=None,
            actor_username="egide backup",
            action="backup.written",
            details={"file": str(options["file"]), "tables": len(manifest["tables"]), "rows": rows},
        )
        self.stdout.write(
            f"Backup written to {options['file']}: {len(manifest['tables'])} tables, {rows} rows."
        )
