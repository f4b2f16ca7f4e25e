"""Store the roles of Égide as data."""

from django.db import migrations


def load(apps, schema_editor):
    from egide.accounts.roles import load_roles

    load_roles(apps.get_model("accounts", "Role"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
