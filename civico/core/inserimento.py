"""One new row INSERTed with a statement built once per model and database.

`Model.objects.create()` builds its INSERT anew each time: for a row of ~60 columns (a report)
that is most of a millisecond of quoting and compiling per report. Here the statement is built
once from the model's own fields (no second list of them to keep in step) and each row only
prepares its values the way the ORM does (`pre_save`, `get_db_prep_save`); what the database
computes (the id, generated columns) comes back with RETURNING. `pre_save` and `post_save` are
sent as `save()` sends them. Only for plain rows: no save() of the model's own, an automatic
primary key not set (a primary key of its own, such as a one-to-one, is written like any column),
no field with a database default; anything else goes through `save()`.
`inserisci_tutti` does the same for several rows in one statement, as `bulk_create` does them
(no save(), no signals).

On PostgreSQL these statements are sent with their values apart (server-side binding), not quoted
into the SQL text as Django's cursors do: psycopg then adapts each value in C instead of quoting
it in Python, and after a few runs on a connection it prepares the statement, so PostgreSQL parses
and plans a report's INSERT of ~60 columns once per pooled connection, not once per report. Safe
here because these are fixed INSERTs; Django's own queries keep client-side binding (decision 0018).
"""

from __future__ import annotations

from typing import Any

from django.db import connections, router
from django.db.models import Model, signals
from django.db.models.fields import NOT_PROVIDED, BooleanField, CharField, Field, TextField

# (model, database, rows) → (SQL, fields, returned fields, their converters); None: not a plain row.
_istruzioni: dict[tuple[type[Model], str, int], tuple[str, list, list, list] | None] = {}


def inserisci(obj: Model) -> Model:
    """INSERT `obj`, a new instance, and fill in what the database returned; returns it."""
    modello = type(obj)
    using = router.db_for_write(modello, instance=obj)
    conn = connections[using]
    voce = _voce(modello, using, conn, 1, con_save=True)
    if voce is None or (obj.pk is not None and getattr(modello._meta.pk, "db_returning", False)):
        obj.save(force_insert=True, using=using)
        return obj
    sql, campi, _ritorno, _conv = voce
    signals.pre_save.send(sender=modello, instance=obj, raw=False, using=using, update_fields=None)
    with _cursore(conn) as cursore:
        cursore.execute(sql, _valori(obj, campi, conn))
        _riempi(obj, voce, cursore.fetchone() if voce[2] else (), using, conn)
    signals.post_save.send(sender=modello, instance=obj, created=True, update_fields=None, raw=False, using=using)
    return obj


def inserisci_tutti(oggetti: list[Model]) -> list[Model]:
    """INSERT these new instances of one model in one statement, as `bulk_create(oggetti)` would
    (no save(), no signals), filling in what the database returned; returns them."""
    if not oggetti:
        return oggetti
    modello = type(oggetti[0])
    using = router.db_for_write(modello)
    conn = connections[using]
    voce = _voce(modello, using, conn, len(oggetti), con_save=False)
    automatica = getattr(modello._meta.pk, "db_returning", False)
    if voce is None or any((automatica and o.pk is not None) or type(o) is not modello for o in oggetti):
        return modello._default_manager.using(using).bulk_create(oggetti)
    sql, campi, _ritorno, _conv = voce
    valori: list[Any] = []
    for obj in oggetti:
        obj._prepare_related_fields_for_save(operation_name="inserisci_tutti")
        valori += _valori(obj, campi, conn)
    with _cursore(conn) as cursore:
        cursore.execute(sql, valori)
        righe = cursore.fetchall() if voce[2] else [()] * len(oggetti)
    for obj, riga in zip(oggetti, righe, strict=True):
        _riempi(obj, voce, riga, using, conn)
    return oggetti


def _valori(obj: Model, campi: list, conn: Any) -> list[Any]:
    """Each field's value as the ORM prepares it (`pre_save`, `get_db_prep_save`), skipping both
    calls where they are known to return the value unchanged (a plain text or boolean field holding
    a str, a bool or None: half a report's ~50 columns, each three calls deep through the ORM)."""
    valori = []
    for campo, attname, diretto, identici in campi:
        valore = getattr(obj, attname) if diretto else campo.pre_save(obj, True)
        valori.append(valore if type(valore) in identici else campo.get_db_prep_save(valore, connection=conn))
    return valori


def _preparazione(campo: Any) -> tuple[Any, str, bool, tuple[type, ...]]:
    """(field, attname, pre_save is a plain read, value types its preparation leaves unchanged)."""
    classe = type(campo)
    diretto = classe.pre_save is Field.pre_save
    identici: tuple[type, ...] = ()
    if classe.get_db_prep_save is Field.get_db_prep_save and classe.get_db_prep_value is Field.get_db_prep_value:
        if (classe.get_prep_value, classe.to_python) in ((CharField.get_prep_value, CharField.to_python),
                                                          (TextField.get_prep_value, TextField.to_python)):
            identici = (str, type(None))  # to_python(str) is the str, to_python(None) is None
        elif (classe.get_prep_value, classe.to_python) == (BooleanField.get_prep_value, BooleanField.to_python):
            identici = (bool, type(None))
    return campo, campo.attname, diretto, identici


def _riempi(obj: Model, voce: tuple, riga: Any, using: str, conn: Any) -> None:
    _sql, _campi, ritorno, convertitori = voce
    for campo, (colonna, funzioni), valore in zip(ritorno, convertitori, riga, strict=True):
        for funzione in funzioni:
            valore = funzione(valore, colonna, conn)
        setattr(obj, campo.attname, valore)
    obj._state.adding, obj._state.db = False, using


def _cursore(conn: Any) -> Any:
    """A cursor of Django's (its execute wrappers and query log) that binds on the server on
    PostgreSQL with psycopg 3; Django's usual cursor elsewhere."""
    if conn.vendor == "postgresql":
        from django.db.backends.postgresql import base

        if base.is_psycopg3:
            conn.ensure_connection()
            with conn.wrap_database_errors:
                return conn._prepare_cursor(base.ServerBindingCursor(conn.connection))
    return conn.cursor()


def _voce(modello: type[Model], using: str, conn: Any, righe: int, *, con_save: bool) -> tuple | None:
    chiave = (modello, using, righe if not con_save else -1)
    if chiave not in _istruzioni:
        _istruzioni[chiave] = _istruzione(modello, conn, righe, con_save=con_save)
    return _istruzioni[chiave]


def _istruzione(modello: type[Model], conn: Any, righe: int, *, con_save: bool) -> tuple[str, list, list, list] | None:
    meta = modello._meta
    if con_save and modello.save is not Model.save:
        return None  # a save() of its own: it knows what to do
    if any(f.db_default is not NOT_PROVIDED for f in meta.local_concrete_fields):
        return None  # the database fills some column in: the ORM knows how to read it back
    ritorno = list(meta.db_returning_fields)  # the automatic id and generated columns
    if ritorno and not (conn.features.can_return_columns_from_insert
                        and (righe == 1 or conn.features.can_return_rows_from_bulk_insert)):
        return None
    automatica = getattr(meta.pk, "db_returning", False)
    campi = [_preparazione(f) for f in meta.local_concrete_fields
             if not f.generated and not (automatica and f is meta.pk)]
    qn = conn.ops.quote_name
    ritorno_sql, _parametri = conn.ops.return_insert_columns(ritorno) if ritorno else ("", ())
    riga = f"({', '.join(['%s'] * len(campi))})"
    sql = (f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(f.column) for f, *_p in campi)}) "
           f"VALUES {', '.join([riga] * righe)} {ritorno_sql}").rstrip()
    colonne = [f.get_col(meta.db_table) for f in ritorno]
    convertitori = [(c, conn.ops.get_db_converters(c) + c.get_db_converters(conn)) for c in colonne]
    return sql, campi, ritorno, convertitori
