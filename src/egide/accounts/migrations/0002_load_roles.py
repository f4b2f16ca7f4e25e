"""Store the roles of Égide as data."""

from django.db import migrations


def load(apps, schema_editor):
    from egide.accounts.roles import ROLES

    Role = apps.get_model("accounts", "Role")
    for code, (_label, _description, personal) in ROLES.items():
        Role.objects.update_or_create(code=code, defaults={"reads_personal_data": personal})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
