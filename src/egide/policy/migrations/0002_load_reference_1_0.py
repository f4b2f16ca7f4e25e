"""Load the framework reference data 1.0 (instruments, provisions, elements, institutions)."""

from types import SimpleNamespace

from django.db import migrations


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    from egide.policy.reference import load_reference

    names = ("Instrument", "Provision", "Element", "ElementFact", "Institution")
    load_reference(SimpleNamespace(**{n: apps.get_model("policy", n) for n in names}))


class Migration(migrations.Migration):
    dependencies = [("policy", "0001_framework_and_human_security")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
