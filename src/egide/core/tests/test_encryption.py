"""Personal data is encrypted at rest, and keys rotate."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from egide.accounts.models import User
from egide.audit.models import AuditEvent
from egide.core import crypto
from tests.personas import make_user

pytestmark = pytest.mark.django_db

PHONE = "+224 620 11 22 33"


def _raw_phone(user: User) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM accounts_user WHERE id = %s", [user.id])
        return str(cursor.fetchone()[0])


def test_encrypted_field_raw_column_holds_no_plaintext(reference_data: None) -> None:
    user = make_user("enc_user", None, phone=PHONE)
    raw = _raw_phone(user)
    assert PHONE not in raw
    assert "620" not in raw
    assert raw.startswith("gAAAA")  # a Fernet token
    assert User.objects.get(id=user.id).phone == PHONE


def test_encrypted_field_same_value_encrypts_differently(reference_data: None) -> None:
    a = make_user("enc_a", None, phone=PHONE)
    b = make_user("enc_b", None, phone=PHONE)
    assert _raw_phone(a) != _raw_phone(b)


def test_encrypted_field_refuses_equality_lookup(reference_data: None) -> None:
    from django.core.exceptions import FieldError

    with pytest.raises(FieldError):
        list(User.objects.filter(phone=PHONE))


def test_keys_rotate_reencrypts_and_old_and_new_values_decrypt(reference_data: None) -> None:
    from django.conf import settings

    old_key = settings.EGIDE_FIELD_KEYS[0]
    before = make_user("rot_before", None, phone=PHONE)
    raw_before = _raw_phone(before)
    new_key = Fernet.generate_key().decode("ascii")
    with override_settings(EGIDE_FIELD_KEYS=[new_key, old_key]):
        after = make_user("rot_after", None, phone="+224 655 00 00 01")
        # Both keys configured: the old value and the new one decrypt.
        assert User.objects.get(id=before.id).phone == PHONE
        assert User.objects.get(id=after.id).phone == "+224 655 00 00 01"
        call_command("keys", "rotate")
        assert _raw_phone(before) != raw_before
        assert AuditEvent.objects.filter(action="encryption.keys_rotated").exists()
    # After rotation the new key alone decrypts everything; the old key alone no longer does.
    with override_settings(EGIDE_FIELD_KEYS=[new_key]):
        assert User.objects.get(id=before.id).phone == PHONE
        assert User.objects.get(id=after.id).phone == "+224 655 00 00 01"
    with override_settings(EGIDE_FIELD_KEYS=[old_key]), pytest.raises(crypto.DecryptionError):
        User.objects.get(id=before.id)


def test_blind_index_ignores_case_and_accents() -> None:
    assert crypto.blind_index("Aïssatou  Bah") == crypto.blind_index("aissatou bah")
    assert crypto.blind_index("Aïssatou Bah") != crypto.blind_index("Aissatou Barry")
