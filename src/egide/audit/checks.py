"""System checks: the audit trail's keys must be usable before anything is audited."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from egide.audit.keys import AuditKeyError, audit_hmac_key, signing_key


@register()
def audit_keys_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """EGIDE_AUDIT_KEY and EGIDE_AUDIT_SIGNING_KEY are present and well formed."""
    errors: list[CheckMessage] = []
    for check_id, name, parse in (
        ("egide.audit.E001", "EGIDE_AUDIT_KEY", audit_hmac_key),
        ("egide.audit.E002", "EGIDE_AUDIT_SIGNING_KEY", signing_key),
    ):
        try:
            parse(getattr(settings, name, ""))
        except AuditKeyError as exc:
            errors.append(Error(str(exc), id=check_id))
    return errors
