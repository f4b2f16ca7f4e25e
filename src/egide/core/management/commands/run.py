"""`egide run`: migrate, compile translations, load the demo, serve on 127.0.0.1:8000."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Prepare a development instance (migrations, translations, demo data) and serve it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        # Compile first: catalogues are read once per process, at their first use.
        call_command("i18n_compile")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("demo")
        self.stdout.write("")
        self.stdout.write(f"Égide is served on http://{options['addrport']}/  (Ctrl+C stops it)")
        # A background-job worker beside the server, stopped with it ("My jobs" completes).
        worker = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "egide.cli", "worker"], env={**os.environ}
        )
        self.stdout.write(f"A job worker runs beside it (process {worker.pid}).")
        try:
            call_command("runserver", options["addrport"], use_reloader=False)
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
