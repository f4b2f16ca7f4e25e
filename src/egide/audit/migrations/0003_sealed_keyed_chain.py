"""The keyed, sealed chain: events are inserted without a lock and sealed later by one sealer.

The unkeyed `prev_hash`/`hash` columns go (a database owner could recompute them); every existing
event becomes unsealed and is sealed under EGIDE_AUDIT_KEY by the first `egide audit seal`. On
PostgreSQL the append-only trigger now lets exactly one UPDATE through per event: the one that sets
`seal_seq` and `seal_hash` on an unsealed row and changes nothing else.
"""

from django.conf import settings
from django.db import migrations, models

SEAL_ONCE = """
CREATE OR REPLACE FUNCTION egide_audit_append_only() RETURNS trigger AS $$
DECLARE
  unsealed audit_auditevent;
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.seal_seq IS NULL AND NEW.seal_seq IS NOT NULL
     AND NEW.seal_hash <> '' THEN
    -- The sealer sets the seal of an unsealed event, once; every other column stays as it was.
    unsealed := NEW;
    unsealed.seal_seq := OLD.seal_seq;
    unsealed.seal_hash := OLD.seal_hash;
    IF unsealed IS NOT DISTINCT FROM OLD THEN
      RETURN NEW;
    END IF;
  END IF;
  RAISE EXCEPTION 'The audit trail is append-only: % refused on audit_auditevent', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""
APPEND_ONLY = """
CREATE OR REPLACE FUNCTION egide_audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'The audit trail is append-only: % refused on audit_auditevent', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def seal_once_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SEAL_ONCE, params=None)


def append_only_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_append_only_trigger"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditCheckpoint",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("tree_size", models.BigIntegerField(verbose_name="tree size")),
                ("head", models.CharField(max_length=64, verbose_name="head hash")),
                ("signed_at", models.CharField(max_length=40, verbose_name="signed at")),
                ("key_id", models.CharField(max_length=32, verbose_name="key id")),
                ("signature", models.CharField(max_length=128, verbose_name="signature")),
            ],
            options={
                "verbose_name": "audit checkpoint",
                "verbose_name_plural": "audit checkpoints",
                "ordering": ["-tree_size", "-id"],
            },
        ),
        migrations.CreateModel(
            name="AuditSealState",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "last_run_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="last seal"),
                ),
            ],
            options={
                "verbose_name": "audit seal state",
                "verbose_name_plural": "audit seal state",
            },
        ),
        migrations.RemoveField(
            model_name="auditevent",
            name="hash",
        ),
        migrations.RemoveField(
            model_name="auditevent",
            name="prev_hash",
        ),
        migrations.AddField(
            model_name="auditevent",
            name="seal_hash",
            field=models.CharField(
                blank=True, default="", max_length=64, verbose_name="sealed hash"
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="seal_seq",
            field=models.BigIntegerField(
                null=True, unique=True, verbose_name="position in the sealed chain"
            ),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(
                condition=models.Q(("seal_seq__isnull", True)),
                fields=["id"],
                name="audit_unsealed_idx",
            ),
        ),
        migrations.RunPython(seal_once_trigger, append_only_trigger),
    ]
