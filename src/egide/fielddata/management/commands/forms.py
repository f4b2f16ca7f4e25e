"""`egide forms build --output DIR`: every generated XLSForm and its XForm."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Build Égide's field forms: XLSForm (XLSX) and XForm (XML) for each."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        build = sub.add_parser("build", help="write every form into a directory")
        build.add_argument("--output", required=True, help="directory to write into")
        build.add_argument(
            "--validate", action="store_true", help="also run ODK Validate (needs Java)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from egide.fielddata.xlsforms import build_all

        out = Path(options["output"])
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(f"Cannot create {out}: {exc}") from exc
        try:
            for built in build_all(validate=options["validate"]):
                (out / f"{built.form_id}.xlsx").write_bytes(built.xlsx)
                (out / f"{built.form_id}.xml").write_text(built.xml, encoding="utf-8")
                note = f" ({len(built.warnings)} warning(s))" if built.warnings else ""
                self.stdout.write(f"{built.form_id} {built.version}{note}")
                for warning in built.warnings:
                    self.stderr.write(f"  {warning}")
        except Exception as exc:  # pyxform / ODK Validate errors name the problem
            raise CommandError(f"Form generation failed: {exc}") from exc
