"""An indexable priority rank for the inbox's sort, trigram indexes for its text search and a
covering index for its counts on PostgreSQL, and the event of a changed expected date.

The trigram indexes match what `icontains` writes on PostgreSQL (`UPPER(col::text) LIKE UPPER(%…%)`),
so the planner can use them; on SQLite (no pg_trgm) the operation does nothing.
"""

from django.db import migrations, models

# (index name, column) searched by the inbox's free text.
INDICI_TRIGRAMMI = [
    ("segn_titolo_trgm", "titolo"),
    ("segn_descrizione_trgm", "descrizione"),
    ("segn_indirizzo_trgm", "indirizzo"),
    ("segn_nome_trgm", "segnalante_nome"),
]


def crea_trigrammi(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for nome, colonna in INDICI_TRIGRAMMI:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {nome} ON segnalazioni_segnalazione '
            f'USING gin ((UPPER("{colonna}"::text)) gin_trgm_ops)'
        )
    # The e-mail is matched whole (`iexact`): a B-tree on the same expression, so the OR of the
    # search can be answered from indexes only.
    schema_editor.execute(
        'CREATE INDEX IF NOT EXISTS segn_email_upper ON segnalazioni_segnalazione (UPPER("segnalante_email"::text))'
    )
    # The inbox's counts per tab (state, overdue, waiting) read this index alone (index-only scan).
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS segn_ente_conteggi ON segnalazioni_segnalazione "
        "(ente_id, stato, scadenza) INCLUDE (in_attesa_dal)"
    )


def elimina_trigrammi(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for nome in [n for n, _c in INDICI_TRIGRAMMI] + ["segn_email_upper", "segn_ente_conteggi"]:
        schema_editor.execute(f"DROP INDEX IF EXISTS {nome}")


class Migration(migrations.Migration):

    dependencies = [
        ('segnalazioni', '0003_posizione_facoltativa_origine_chiusura'),
    ]

    operations = [
        migrations.AddField(
            model_name="segnalazione",
            name="livello_priorita",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Case(
                    models.When(priorita="urgente", then=models.Value(0)),
                    models.When(priorita="alta", then=models.Value(1)),
                    models.When(priorita="normale", then=models.Value(2)),
                    default=models.Value(3),
                ),
                output_field=models.PositiveSmallIntegerField(),
            ),
        ),
        migrations.AlterField(
            model_name="evento",
            name="tipo",
            field=models.CharField(
                choices=[
                    ("created", "Segnalazione ricevuta"), ("comment", "Messaggio del segnalante"),
                    ("routed", "Assegnata a un ufficio"), ("state_changed", "Cambio di stato"),
                    ("reclassified", "Categoria cambiata"), ("rerouted", "Ufficio cambiato"),
                    ("public_answer", "Risposta pubblica"), ("internal_note", "Nota interna"),
                    ("media_added", "Allegato aggiunto"), ("merged", "Unita a un'altra segnalazione"),
                    ("priority_changed", "Priorità cambiata"), ("assigned", "Assegnata a un operatore"),
                    ("info_requested", "Richiesta di informazioni al segnalante"),
                    ("sla_resumed", "Ripreso il conteggio dei tempi"), ("escalated", "Sollecito ai responsabili"),
                    ("work_order", "Inserita in un intervento"), ("protocol", "Protocollata"),
                    ("deadline_set", "Data prevista cambiata"),
                ],
                max_length=20, verbose_name="tipo",
            ),
        ),
        migrations.AddIndex(
            model_name='segnalazione',
            index=models.Index(fields=['ente', 'livello_priorita', '-creata_il', '-id'], name='segn_ente_priorita'),
        ),
        migrations.RunPython(crea_trigrammi, elimina_trigrammi),
    ]
