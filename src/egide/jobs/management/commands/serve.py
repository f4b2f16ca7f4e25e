"""`egide serve`: the production server (gunicorn, config in egide/gunicorn_conf.py)."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve Égide with gunicorn (production). Static files are collected first."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("EGIDE_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=None)
        parser.add_argument("--no-collectstatic", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        from django.core.management import call_command

        # The shared cache's table when the database is the cache (no Redis): idempotent.
        call_command("createcachetable", verbosity=0)
        if not options["no_collectstatic"] and settings.STATIC_ROOT:
            call_command("collectstatic", interactive=False, verbosity=0)
        from egide import gunicorn_conf

        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            f"python:{gunicorn_conf.__name__}",
            "--bind",
            options["bind"],
        ]
        if options["workers"]:
            argv += ["--workers", str(options["workers"])]
        argv.append("egide.wsgi:application")
        sys.stdout.flush()
        os.execv(sys.executable, argv)  # noqa: S606 - replaces this process with gunicorn
