"""On PostgreSQL, a NOTIFY on `civico_eventi` whenever events are inserted, so the live pages'
poller (civico.portale.risveglio) wakes as soon as the transaction commits instead of at its next
interval. One notification per statement (bulk loads and COPY send one); PostgreSQL also folds
identical notifications of one transaction into one. SQLite has no NOTIFY: nothing to do there.
"""

from django.db import migrations

CANALE = "civico_eventi"  # civico.portale.risveglio.CANALE


def crea_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE OR REPLACE FUNCTION civico_notifica_eventi() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN PERFORM pg_notify('{CANALE}', ''); RETURN NULL; END $$"
    )
    schema_editor.execute(
        "CREATE TRIGGER segnalazioni_evento_notifica AFTER INSERT ON segnalazioni_evento "
        "FOR EACH STATEMENT EXECUTE FUNCTION civico_notifica_eventi()"
    )


def elimina_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP TRIGGER IF EXISTS segnalazioni_evento_notifica ON segnalazioni_evento")
    schema_editor.execute("DROP FUNCTION IF EXISTS civico_notifica_eventi()")


class Migration(migrations.Migration):
    dependencies = [("segnalazioni", "0004_priorita_ordinabile_ricerca_veloce")]

    operations = [migrations.RunPython(crea_trigger, elimina_trigger)]
