"""System checks of Égide, reported by ``egide check --deploy``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

from egide.core.keys import key_problems


@register(Tags.security, deploy=True)
def check_keys(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """The field-encryption keys are valid Fernet keys; the blind-index key is long enough."""
    return [
        Error(problem, id="egide.E001", hint="See the README, section on keys.")
        for problem in key_problems(
            list(getattr(settings, "EGIDE_FIELD_KEYS", [])),
            str(getattr(settings, "EGIDE_BLIND_INDEX_KEY", "")),
        )
    ]
