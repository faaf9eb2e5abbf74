"""Reports stored before the one masking gate kept their typed address (and text the old,
weaker patterns missed) unmasked: pass them through the gate once."""

from django.db import migrations


def maschera(apps, schema_editor):
    from civico.moderazione.cancello import maschera_esistenti

    maschera_esistenti(
        apps.get_model("segnalazioni", "Segnalazione").objects.all(),
        apps.get_model("moderazione", "TestoOriginale").objects.all(),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("moderazione", "0001_iniziale"),
        ("segnalazioni", "0005_notifica_eventi"),
    ]

    operations = [migrations.RunPython(maschera, migrations.RunPython.noop)]
