"""`egide field pull [--connection NAME]` and `egide field import FILE`: print the counts of
each outcome; exit 1 on a failed run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Pull submissions from the field servers, or import an export file."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        pull = sub.add_parser("pull", help="pull now from the active field servers")
        pull.add_argument("--connection", help="only this connection (its name)")
        publish = sub.add_parser("publish", help="publish the generated forms on a server")
        publish.add_argument("--connection", required=True)
        imp = sub.add_parser("import", help="import a Central .csv.zip or a Kobo JSON/XLSX export")
        imp.add_argument("file")

    def _counts(self, run: Any) -> None:
        line = " ".join(f"{k}={v}" for k, v in run.counts.items())
        self.stdout.write(f"{run} {run.connection or run.filename}: {line}")

    def handle(self, *args: Any, **options: Any) -> None:
        from egide.fielddata.models import Connection
        from egide.fielddata.services import ImportFailed, publish, pull

        action = options["action"]
        if action == "import":
            self._import(Path(options["file"]))
            return
        connections = Connection.objects.all()
        if options.get("connection"):
            connections = connections.filter(name=options["connection"])
            if not connections.exists():
                raise CommandError(f"No connection named {options['connection']!r}.")
        elif action == "pull":
            connections = connections.filter(is_active=True)
        if action == "publish":
            for connection in connections:
                try:
                    done = publish(connection=connection, actor=None)
                except Exception as exc:
                    raise CommandError(str(exc)) from exc
                for form_id, what in done.items():
                    self.stdout.write(f"{connection.name} {form_id}: {what}")
            return
        failed = []
        for connection in connections:
            try:
                run = pull(connection=connection, actor=None)
            except ImportFailed as exc:
                failed.append(f"{connection.name}: {exc}")
                continue
            self._counts(run)
        if failed:
            raise CommandError("; ".join(failed))

    def _import(self, path: Path) -> None:
        from egide.fielddata.exports import MAX_UPLOAD_BYTES, ExportError, read_export
        from egide.fielddata.services import import_submissions

        try:
            size = path.stat().st_size
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        if size > MAX_UPLOAD_BYTES:
            raise CommandError(f"{path} is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
        with path.open("rb") as stream:
            try:
                submissions = read_export(path.name, stream)
            except ExportError as exc:
                raise CommandError(str(exc)) from exc
            run = import_submissions(actor=None, filename=path.name, submissions=submissions)
        self._counts(run)
        if run.status == run.Status.FAILED:
            raise CommandError(run.error)
