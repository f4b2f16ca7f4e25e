"""Move TOTP devices of django-otp's plugin into Authenticator (seed encrypted) and drop the
tables that held secrets in clear: ``otp_totp_totpdevice`` (seeds) and ``authtoken_token``
(DRF tokens). Old API tokens are dropped, not migrated: their holders create new ones.

Both apps are no longer installed, so their tables are read and dropped by name when present.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

OLD_DEVICES = "otp_totp_totpdevice"
OLD_TOKENS = "authtoken_token"
COPIED = (
    "user_id",
    "name",
    "confirmed",
    "key",
    "step",
    "t0",
    "digits",
    "tolerance",
    "drift",
    "last_t",
    "throttling_failure_timestamp",
    "throttling_failure_count",
    "created_at",
    "last_used_at",
)


def move_devices_and_drop_clear_secrets(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    tables = set(connection.introspection.table_names())
    quote = connection.ops.quote_name
    if OLD_DEVICES in tables:
        with connection.cursor() as cursor:
            present = {
                c.name for c in connection.introspection.get_table_description(cursor, OLD_DEVICES)
            }
            columns = [c for c in COPIED if c in present]
            cursor.execute(
                f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(OLD_DEVICES)}"  # noqa: S608
            )
            rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
        authenticator = apps.get_model("accounts", "Authenticator")
        for row in rows:
            # The historical EncryptedTextField encrypts the seed on save.
            authenticator.objects.create(**row)
    with connection.cursor() as cursor:
        for table, app_label in ((OLD_DEVICES, "otp_totp"), (OLD_TOKENS, "authtoken")):
            if table in tables:
                cursor.execute(f"DROP TABLE {quote(table)}")
                cursor.execute("DELETE FROM django_migrations WHERE app = %s", [app_label])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_token_lifecycle_authenticators"),
    ]

    operations = [
        migrations.RunPython(move_devices_and_drop_clear_secrets, migrations.RunPython.noop),
    ]
