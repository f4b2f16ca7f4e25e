"""`egide indicators [--period P] [--region CODE] [--json]`: every indicator with its value,
target, share of target and disaggregations — the dashboard's numbers, suppressed as for an
analyst. Exit 2 with a message on a bad period or region."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from egide.monitoring import periods
from egide.monitoring.computation import UnknownRegion, dashboard
from egide.monitoring.forms import default_period
from egide.monitoring.serialize import board_json


class Command(BaseCommand):
    help = "Print the programme's indicators (suppressed as for an analyst)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", default=None, help="a year, e.g. 2024 (default: this year)")
        parser.add_argument("--region", default=None, help="region ISO code, e.g. GN-L")
        parser.add_argument("--json", action="store_true", help="print JSON")
        parser.add_argument("--language", default="fr", choices=["fr", "en"])

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"]):
            try:
                board = dashboard(
                    period=options["period"] or default_period(),
                    region=options["region"],
                    suppressed=True,
                )
            except (periods.PeriodError, UnknownRegion) as exc:
                raise CommandError(str(exc), returncode=2) from exc
            data = board_json(board)
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=1))
            return
        for item in data["indicators"]:
            target = "" if item["target"] is None else f" / {item['target']:g}"
            share = "" if item["percent_of_target"] is None else f" ({item['percent_of_target']} %)"
            self.stdout.write(f"{item['code']:6} {item['shown']:>8}{target}{share}  {item['name']}")
