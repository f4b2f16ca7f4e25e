"""`egide restore FILE`: restore an encrypted backup into an EMPTY database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egide.audit.services import audit_record
from egide.jobs.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup into the configured database, which must be empty."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["file"].is_file():
            raise CommandError(f"No such file: {options['file']}")
        try:
            manifest = backup_restore(options["file"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        changed = [
            t for t, n in manifest["tables"].items() if manifest["restored_tables"].get(t) != n
        ]
        if changed:
            self.stderr.write(
                "Row counts differ from the manifest (rows written during the backup?): "
                + ", ".join(changed)
            )
        # The restore itself leaves a trace in the restored trail (sealed like any other event).
        audit_record(
            actor=None,
            action="backup.restored",
            object_type="backup",
            details={
                "backup_created_at": manifest["created_at"],
                "tables": len(manifest["tables"]),
                "rows": sum(manifest["restored_tables"].values()),
                "counts_differ": changed,
            },
        )
        self.stdout.write(
            f"Restored {len(manifest['tables'])} tables from the backup of "
            f"{manifest['created_at']}. Run `egide audit verify` to check the audit trail."
        )
