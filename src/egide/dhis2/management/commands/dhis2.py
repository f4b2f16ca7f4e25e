"""`egide dhis2 export --period P --output FILE`: write the DHIS2 data value set of a period."""

from __future__ import annotations

import os
import sys
import tempfile
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from egide.dhis2 import rules, services

EXIT_INVALID = 2
EXIT_FAILED = 1


class Command(BaseCommand):
    help = (
        "DHIS2 link. 'export' writes the data value set (JSON) of a period, small counts "
        "withheld; exit 2 on a bad period."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        export = sub.add_parser(
            "export", help="Write the data value set of a period as JSON (- for stdout)."
        )
        export.add_argument(
            "--period", required=True, help="a year, e.g. 2024 (only years leave Égide)"
        )
        export.add_argument("--output", required=True, help="file to write, or - for stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("en"):
            self._export(options["period"], options["output"])

    def _export(self, period: str, output: str) -> None:
        try:
            services.years_only(rules.parse_period(period))
        except rules.PeriodError as exc:
            self._fail(EXIT_INVALID, f"bad period: {exc}")
        except services.Dhis2ServiceError as exc:
            self._fail(EXIT_INVALID, str(exc))
        try:
            built = services.data_value_set_export(
                actor=None, period=period, actor_username="command"
            )
        except services.Dhis2ServiceError as exc:
            self._fail(EXIT_FAILED, str(exc))
        content = services.data_value_set_json(built)
        if output == "-":
            sys.stdout.write(content.decode("utf-8"))
        else:
            self._write(output, content)
        sys.stderr.write(
            f"egide dhis2 export: {built.period}: {built.values} value(s) written, "
            f"{built.suppressed} small count(s) withheld, {len(built.unmapped)} figure(s) "
            "without a mapping.\n"
        )

    def _write(self, path: str, content: bytes) -> None:
        """Write whole or not at all (a temporary file renamed into place)."""
        directory = os.path.dirname(os.path.abspath(path))
        temporary = ""
        try:
            handle, temporary = tempfile.mkstemp(dir=directory, prefix=".egide-dhis2-")
            with os.fdopen(handle, "wb") as stream:
                stream.write(content)
            os.replace(temporary, path)
        except OSError as exc:
            if temporary and os.path.exists(temporary):
                os.unlink(temporary)
            self._fail(EXIT_FAILED, f"cannot write {path}: {exc.strerror}")

    def _fail(self, code: int, message: str) -> None:
        sys.stderr.write(f"egide dhis2 export: {message}\n")
        sys.exit(code)
