"""Preferences store the set of chosen channels (a list of the registry's names) instead of one
boolean per channel; everyone keeps exactly the channels they had on. `Notifica.canale` takes its
choices from the registry (a callable: a new channel needs no migration). A reporter known only
by another channel's address (a Telegram chat) follows their report there: `Iscrizione.indirizzi`."""

from django.conf import settings
from django.db import migrations, models

import civico.comunicazioni.models.iscrizioni
import civico.comunicazioni.models.notifiche

# The old switches, in the registry's order.
VECCHI = ("email", "sms", "push", "app_io")


def a_insieme(apps, schema_editor):
    Preferenze = apps.get_model("comunicazioni", "Preferenze")
    for p in Preferenze.objects.all().iterator():
        p.canali = [nome for nome in VECCHI if getattr(p, nome)]
        p.save(update_fields=["canali"])


def a_interruttori(apps, schema_editor):
    Preferenze = apps.get_model("comunicazioni", "Preferenze")
    for p in Preferenze.objects.all().iterator():
        for nome in VECCHI:
            setattr(p, nome, nome in (p.canali or []))
        p.save(update_fields=list(VECCHI))


class Migration(migrations.Migration):

    dependencies = [
        ("comunicazioni", "0008_conversazione_di_ogni_canale"),
        ("segnalazioni", "0010_sollecito_ai_dirigenti"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="preferenze",
            name="canali",
            field=models.JSONField(blank=True, default=civico.comunicazioni.models.iscrizioni.canali_predefiniti,
                                   verbose_name="canali"),
        ),
        migrations.AddField(
            model_name="preferenze",
            name="indirizzi",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(a_insieme, a_interruttori),
        migrations.RemoveField(model_name="preferenze", name="app_io"),
        migrations.RemoveField(model_name="preferenze", name="email"),
        migrations.RemoveField(model_name="preferenze", name="push"),
        migrations.RemoveField(model_name="preferenze", name="sms"),
        migrations.AlterField(
            model_name="notifica",
            name="canale",
            field=models.CharField(choices=civico.comunicazioni.models.notifiche.scelte_canale, max_length=10,
                                   verbose_name="canale"),
        ),
        migrations.RemoveConstraint(model_name="iscrizione", name="iscrizione_con_destinatario"),
        migrations.AddField(
            model_name="iscrizione",
            name="indirizzi",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddConstraint(
            model_name="iscrizione",
            constraint=models.CheckConstraint(
                condition=models.Q(("utente__isnull", False), models.Q(("email", ""), _negated=True),
                                   models.Q(("telefono", ""), _negated=True),
                                   models.Q(("indirizzi", {}), _negated=True), _connector="OR"),
                name="iscrizione_con_destinatario"),
        ),
    ]
