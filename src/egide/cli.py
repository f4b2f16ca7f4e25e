"""The `egide` command: every manage.py command, plus Égide's own (demo, audit, keys, run…)."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a Django management command; production settings unless told otherwise."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egide.settings.production")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    args = ["egide", *(sys.argv[1:] if argv is None else argv)]
    try:
        execute_from_command_line(args)
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"egide: configuration error: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
