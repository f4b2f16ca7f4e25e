"""`egide worker`: run background jobs (django-tasks-db's db_worker) after declaring failed
the jobs a dead worker left "running"."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from egide.jobs.services import jobs_detect_stale


class Command(BaseCommand):
    help = "Run a worker for background jobs. Several workers (on several hosts) share the queue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="Run what is queued, then exit.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls.")
        parser.add_argument("--max-tasks", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        stale = jobs_detect_stale()
        if stale:
            self.stdout.write(f"{stale} job(s) left running by a stopped worker declared failed.")
        kwargs: dict[str, Any] = {
            "interval": options["interval"],
            "batch": options["batch"],
            "reload": False,
            "startup_delay": not options["batch"],
            "verbosity": options["verbosity"],
        }
        if options["max_tasks"]:
            kwargs["max_tasks"] = options["max_tasks"]
        call_command("db_worker", **kwargs)
