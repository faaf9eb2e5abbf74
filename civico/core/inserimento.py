"""One new row INSERTed with a statement built once per model and database.

`Model.objects.create()` builds its INSERT anew each time: for a row of ~60 columns (a report)
that is most of a millisecond of quoting and compiling per report. Here the statement is built
once from the model's own fields (no second list of them to keep in step) and each row only
prepares its values the way the ORM does (`pre_save`, `get_db_prep_save`); what the database
computes (the id, generated columns) comes back with RETURNING. `pre_save` and `post_save` are
sent as `save()` sends them. Only for plain rows: no save() of the model's own, an automatic
primary key not set, no field with a database default; anything else goes through `save()`.
"""

from __future__ import annotations

from typing import Any

from django.db import connections, router
from django.db.models import Model, signals
from django.db.models.fields import NOT_PROVIDED

_istruzioni: dict[tuple[type[Model], str], tuple[str, list, list, list] | None] = {}


def inserisci(obj: Model) -> Model:
    """INSERT `obj`, a new instance, and fill in what the database returned; returns it."""
    modello = type(obj)
    using = router.db_for_write(modello, instance=obj)
    conn = connections[using]
    chiave = (modello, using)
    if chiave not in _istruzioni:
        _istruzioni[chiave] = _istruzione(modello, conn)
    voce = _istruzioni[chiave]
    if voce is None or obj.pk is not None or not conn.features.can_return_columns_from_insert:
        obj.save(force_insert=True, using=using)
        return obj
    sql, campi, ritorno, convertitori = voce
    signals.pre_save.send(sender=modello, instance=obj, raw=False, using=using, update_fields=None)
    valori = [f.get_db_prep_save(f.pre_save(obj, True), connection=conn) for f in campi]
    with conn.cursor() as cursore:
        cursore.execute(sql, valori)
        riga = cursore.fetchone()
    for campo, (colonna, funzioni), valore in zip(ritorno, convertitori, riga, strict=True):
        for funzione in funzioni:
            valore = funzione(valore, colonna, conn)
        setattr(obj, campo.attname, valore)
    obj._state.adding, obj._state.db = False, using
    signals.post_save.send(sender=modello, instance=obj, created=True, update_fields=None, raw=False, using=using)
    return obj


def _istruzione(modello: type[Model], conn: Any) -> tuple[str, list, list, list] | None:
    meta = modello._meta
    if modello.save is not Model.save or not getattr(meta.pk, "db_returning", False) or any(
            f.db_default is not NOT_PROVIDED for f in meta.local_concrete_fields):
        return None  # not a plain row: save() knows what to do
    campi = [f for f in meta.local_concrete_fields if not f.generated and f is not meta.pk]
    ritorno = list(meta.db_returning_fields)
    qn = conn.ops.quote_name
    ritorno_sql, _parametri = conn.ops.return_insert_columns(ritorno)
    sql = (f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(f.column) for f in campi)}) "
           f"VALUES ({', '.join(['%s'] * len(campi))}) {ritorno_sql}")
    colonne = [f.get_col(meta.db_table) for f in ritorno]
    convertitori = [(c, conn.ops.get_db_converters(c) + c.get_db_converters(conn)) for c in colonne]
    return sql, campi, ritorno, convertitori
