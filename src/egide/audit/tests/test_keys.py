"""The audit keys come from the environment: required and validated in production."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from egide.audit.keys import (
    AuditKeyError,
    audit_hmac_key,
    new_audit_key,
    new_signing_key,
    signing_key,
)
from egide.core.tests.test_settings import PROD_ENV, _egide


@pytest.mark.parametrize("name", ["EGIDE_AUDIT_KEY", "EGIDE_AUDIT_SIGNING_KEY"])
def test_production_settings_without_an_audit_key_refuse_to_start(name: str) -> None:
    env = {k: v for k, v in PROD_ENV.items() if k != name}
    result = _egide(["check"], env)
    assert result.returncode != 0
    assert name in result.stderr and "required" in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("EGIDE_AUDIT_KEY", "short"),
        ("EGIDE_AUDIT_KEY", "a" * 40),
        ("EGIDE_AUDIT_SIGNING_KEY", "dummy"),
    ],
)
def test_production_settings_refuse_a_weak_audit_key(name: str, value: str) -> None:
    result = _egide(["check"], {**PROD_ENV, name: value})
    assert result.returncode != 0
    assert name in result.stderr


def test_audit_keys_generated_by_keygen_are_accepted(capsys: pytest.CaptureFixture[str]) -> None:
    audit_hmac_key(new_audit_key())
    signing_key(new_signing_key())
    call_command("audit", "keygen")
    lines = dict(
        line.split("=", 1)
        for line in capsys.readouterr().out.splitlines()
        if "=" in line and not line.startswith("#")
    )
    audit_hmac_key(lines["EGIDE_AUDIT_KEY"])
    signing_key(lines["EGIDE_AUDIT_SIGNING_KEY"])
    with pytest.raises(AuditKeyError):
        signing_key("not base64 at all !")
