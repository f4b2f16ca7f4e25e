"""`egide schedule`: put the scheduled jobs on the queue (reminders, retention purge, cleanup,
stale-job detection…). Loops every minute; `--once` for a cron line instead."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from egide.jobs.schedule import SCHEDULE, schedule_tick


class Command(BaseCommand):
    help = "Enqueue the scheduled jobs when due (loop, or --once from cron every minute)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="One pass, then exit.")
        parser.add_argument("--interval", type=float, default=60.0)

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["once"]:
            names = ", ".join(e.kind for e in SCHEDULE)
            self.stdout.write(f"Schedule: {names}. A worker (`egide worker`) runs them.")
        while True:
            close_old_connections()
            for kind in schedule_tick():
                self.stdout.write(f"Enqueued {kind}.")
            if options["once"]:
                return
            time.sleep(options["interval"])
