"""Writing synthetic rows fast: COPY on PostgreSQL, bulk_create elsewhere (SQLite).

Rows arrive as dicts keyed by attname; columns the generator does not set take the model
field's default, so a field added by a later migration does not break the seeder. Report ids
are reserved up front (the sequence on PostgreSQL, max(id) under the write lock on SQLite) so
events can point at their report without reading anything back.

For big loads on PostgreSQL, `caricamento_massivo()` does what bulk loaders do, inside the one
transaction of the load: it drops the secondary indexes (those backing no constraint) and
re-creates them from their saved definitions at the end, and skips the per-row foreign-key
triggers (the generator only writes keys it has just read). DDL is transactional in PostgreSQL:
a failed load leaves the schema as it was.
"""

from __future__ import annotations

import contextlib
import json
import operator
from collections.abc import Callable, Iterator

from django.db import connection, models

Progresso = Callable[[str], None]


class _Tabella:
    """Column order, defaults and JSON columns of one model, computed once."""

    def __init__(self, modello: type[models.Model]) -> None:
        campi = [
            f for f in modello._meta.concrete_fields
            if not f.primary_key and not getattr(f, "generated", False)  # GeneratedField: computed by the DB
        ]
        self.modello = modello
        self.nome = modello._meta.db_table
        self.attnames = ["id"] + [f.attname for f in campi]
        self.colonne = ", ".join(['"id"'] + [f'"{f.column}"' for f in campi])
        self.json = [f.attname for f in campi if isinstance(f, models.JSONField)]
        self.predefiniti = {f.attname: (f.get_default() if f.has_default() or f.null else "") for f in campi}
        for a in self.json:
            self.predefiniti[a] = json.dumps(self.predefiniti[a])
        self.riga = operator.itemgetter(*self.attnames)


_tabelle: dict[type[models.Model], _Tabella] = {}


def _tabella(modello: type[models.Model]) -> _Tabella:
    if modello not in _tabelle:
        _tabelle[modello] = _Tabella(modello)
    return _tabelle[modello]


def riserva_id(modello: type[models.Model], n: int) -> list[int]:
    """n consecutive fresh primary keys. Call inside the transaction that inserts them."""
    tabella = modello._meta.db_table
    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            # The table lock keeps concurrent INSERTs (which take the sequence's next value
            # under their own table lock) out of the reserved range.
            c.execute(f'LOCK TABLE "{tabella}" IN SHARE ROW EXCLUSIVE MODE')
            c.execute("SELECT pg_get_serial_sequence(%s, 'id')", [tabella])
            sequenza = c.fetchone()[0]
            c.execute("SELECT nextval(%s)", [sequenza])
            primo = c.fetchone()[0]
            if n > 1:
                c.execute("SELECT setval(%s, %s)", [sequenza, primo + n - 1])
            return list(range(primo, primo + n))
        c.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{tabella}"')  # noqa: S608 — our own table name
        primo = c.fetchone()[0] + 1
    return list(range(primo, primo + n))


def scrivi(modello: type[models.Model], righe: list[dict]) -> None:
    """Insert rows (dicts with 'id' and attnames) into the model's table."""
    if not righe:
        return
    t = _tabella(modello)
    if connection.vendor != "postgresql":
        oggetti = [modello(**{**t.predefiniti, **r}) for r in righe]
        modello.objects.bulk_create(oggetti, batch_size=2000)
        return
    predefiniti, json_, riga, dumps = t.predefiniti, t.json, t.riga, json.dumps
    with connection.cursor() as c:
        cursore = c.cursor  # the psycopg 3 cursor under Django's wrapper
        with cursore.copy(f'COPY "{t.nome}" ({t.colonne}) FROM STDIN') as copia:
            for r in righe:
                completa = {**predefiniti, **r}
                for a in json_:
                    if a in r:
                        completa[a] = dumps(r[a])
                copia.write_row(riga(completa))


@contextlib.contextmanager
def caricamento_massivo(modelli: list[type[models.Model]], progress: Progresso) -> Iterator[None]:
    """Within the current transaction: secondary indexes dropped now and rebuilt on exit, FK
    triggers off. PostgreSQL only; elsewhere it does nothing."""
    if connection.vendor != "postgresql":
        yield
        return
    salvati: list[tuple[str, str]] = []
    with connection.cursor() as c:
        c.execute("SET LOCAL synchronous_commit = off")
        c.execute("SET LOCAL maintenance_work_mem = '256MB'")
        c.execute("SET LOCAL session_replication_role = replica")  # no per-row FK trigger
        for modello in modelli:
            c.execute(
                "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
                "JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = %s::regclass "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)",
                [modello._meta.db_table],
            )
            salvati += c.fetchall()
        for nome, _definizione in salvati:
            c.execute(f'DROP INDEX "{nome}"')
    progress(f"{len(salvati)} indici secondari sospesi durante il caricamento")
    yield
    with connection.cursor() as c:
        c.execute("SET LOCAL session_replication_role = origin")
        for n, (nome, definizione) in enumerate(salvati, start=1):
            c.execute(definizione)
            progress(f"indice {n}/{len(salvati)} ricostruito: {nome}")
