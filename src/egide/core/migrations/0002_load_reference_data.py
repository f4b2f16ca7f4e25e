"""Load Guinea's regions, prefectures, Conakry's communes and the partner countries."""

from django.db import migrations


def load(apps, schema_editor):
    from egide.core.reference import load_reference_data

    load_reference_data(
        apps.get_model("core", "Region"),
        apps.get_model("core", "Prefecture"),
        apps.get_model("core", "Commune"),
        apps.get_model("core", "Country"),
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
