# Held inbound e-mails: the message as received and the operator's decision.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("comunicazioni", "0003_avvisi_stato"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="messaggioinarrivo",
            name="contenuto",
            field=models.BinaryField(blank=True, default=b"", editable=False),
        ),
        migrations.AddField(
            model_name="messaggioinarrivo",
            name="revisione",
            field=models.CharField(
                blank=True,
                choices=[("in_attesa", "Da revisionare"), ("pubblicata", "Aggiunta alla segnalazione"),
                         ("scartata", "Scartata")],
                db_index=True,
                max_length=12,
            ),
        ),
        migrations.AddField(
            model_name="messaggioinarrivo",
            name="revisionato_da",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="messaggioinarrivo",
            name="revisionato_il",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
