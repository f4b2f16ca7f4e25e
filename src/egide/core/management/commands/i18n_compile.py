"""`egide i18n_compile`: compile the gettext catalogues with polib (no system gettext needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
from django.core.management.base import BaseCommand, CommandError

LOCALE_DIR = Path(__file__).resolve().parents[3] / "locale"


class Command(BaseCommand):
    help = "Compile the .po catalogues of Égide into .mo files."

    def handle(self, *args: Any, **options: Any) -> None:
        compiled = 0
        for po_path in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po")):
            catalogue = polib.pofile(str(po_path))
            fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
            if fuzzy:
                raise CommandError(f"{po_path}: fuzzy entries must be reviewed first: {fuzzy[:3]}")
            catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
            compiled += 1
        self.stdout.write(f"{compiled} catalogue(s) compiled.")
