"""`egide export ctdc --format v2024|kanon2017 --k N --output FILE`: the k-anonymised CTDC
case-level export, written row by row to FILE; one summary line; audited like the page's.

Exit 2 with a clear message for k below 2, an unknown format or quasi-identifier, or a file that
cannot be written."""

from __future__ import annotations

import getpass
import os
import sys
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from egide.sharing import ctdc, kanon

EXIT_INVALID = 2


class Command(BaseCommand):
    help = "Write an anonymised export (ctdc: k-anonymised CTDC case-level CSV)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", help="what to export: ctdc")
        parser.add_argument("--format", dest="fmt", default=ctdc.V2024, help="v2024 or kanon2017")
        parser.add_argument("--k", dest="k", default=str(kanon.DEFAULT_K), help="k (at least 2)")
        parser.add_argument("--output", required=True, help="file to write (CSV)")
        parser.add_argument(
            "--qi",
            action="append",
            default=None,
            help="a quasi-identifier (repeat; default: the five CTDC ones)",
        )
        parser.add_argument(
            "--max-suppression",
            type=float,
            default=kanon.DEFAULT_MAX_SUPPRESSION,
            help="share of records that may be left out before generalising further (0.05)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from egide.sharing.services import SharingError, ctdc_export

        translation.activate("en")
        if options["what"] != "ctdc":
            self._fail(f"unknown export {options['what']!r}: use ctdc")
        fmt = options["fmt"]
        if fmt not in ctdc.FORMATS:
            self._fail(f"unknown format {fmt!r}: use v2024 or kanon2017")
        try:
            k = int(options["k"])
        except ValueError:
            self._fail(f"--k must be a whole number, not {options['k']!r}")
        if k < kanon.MIN_K:
            self._fail(f"--k {k} refused: {kanon.K_TOO_SMALL}")
        output = options["output"]
        partial = f"{output}.partial"
        try:
            with open(partial, "w", encoding="utf-8", newline="") as handle:
                report = ctdc_export(
                    actor=None,
                    actor_username=f"cli:{getpass.getuser()}",
                    fmt=fmt,
                    k=k,
                    quasi_identifiers=options["qi"],
                    max_suppression=options["max_suppression"],
                    out=handle,
                    via="cli",
                )
            os.replace(partial, output)
        except OSError as exc:
            self._fail(f"cannot write {output}: {exc.strerror}")
        except (SharingError, kanon.KAnonymityError) as exc:
            if os.path.exists(partial):
                os.remove(partial)
            self._fail(str(exc))
        self.stdout.write(f"{report.summary()} → {output}")

    def _fail(self, message: str) -> NoReturn:
        sys.stderr.write(f"egide export: {message}\n")
        sys.exit(EXIT_INVALID)
