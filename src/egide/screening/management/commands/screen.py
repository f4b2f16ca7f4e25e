"""`egide screen --json FILE|-`: apply the screening rules to a document; print the result."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from egide.core.jsonsafe import loads_bounded
from egide.screening.contract import InputError
from egide.screening.rules import screen_document

EXIT_INVALID = 2


class Command(BaseCommand):
    help = "Screen one person: read the JSON document, print the result (exit 2 on bad input)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", dest="path", required=True, help="file, or - for stdin")
        parser.add_argument("--lang", choices=["fr", "en"], default="fr")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["path"]
        try:
            if path == "-":
                text = sys.stdin.read()
            else:
                with open(path, encoding="utf-8") as handle:
                    text = handle.read()
        except OSError as exc:
            self._fail("file", f"cannot read {path}: {exc.strerror}")
        try:
            document = loads_bounded(text)
        except json.JSONDecodeError as exc:
            self._fail("document", f"not valid JSON (line {exc.lineno}, column {exc.colno})")
        except ValueError as exc:  # nested too deeply, NaN…
            self._fail("document", f"not valid JSON ({exc})")
        try:
            result = screen_document(document, options["lang"])
        except InputError as exc:
            self._fail(exc.field, exc.message)
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2, sort_keys=True))

    def _fail(self, field: str, message: str) -> None:
        sys.stderr.write(f"egide screen: invalid input: {field}: {message}\n")
        sys.exit(EXIT_INVALID)
