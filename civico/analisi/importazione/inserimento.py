"""Inserting thousands of rows with one `executemany`, without building model instances.

`bulk_create` spends most of an import in Python: a model instance per row, then per field and
row the compiler's preparation of each value. Here each field's conversion is chosen once and
the rows are plain dicts; fields not given get the model's default, as `Model()` would.
Only for tables written by the importer; it runs no `save()` and sends no signal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection, models


def _conversione(campo: models.Field) -> Callable[[Any], Any] | None:
    if isinstance(campo, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(campo, models.DateField):
        return connection.ops.adapt_datefield_value
    if isinstance(campo, models.JSONField | models.UUIDField | models.DecimalField):
        return lambda valore: campo.get_db_prep_save(valore, connection)
    return None  # text, numbers, booleans and foreign-key ids go as they are


def inserisci(modello: type[models.Model], righe: Iterable[dict[str, Any]]) -> None:
    """Insert `righe` (attname → value) into `modello`'s table in one statement per call."""
    campi = [f for f in modello._meta.concrete_fields if not f.primary_key and not f.generated]
    conversioni = [_conversione(f) for f in campi]
    valori = []
    for riga in righe:
        tupla = []
        for campo, conversione in zip(campi, conversioni, strict=True):
            valore = riga[campo.attname] if campo.attname in riga else campo.get_default()
            tupla.append(conversione(valore) if conversione and valore is not None else valore)
        valori.append(tupla)
    if not valori:
        return
    q = connection.ops.quote_name
    sql = (f"INSERT INTO {q(modello._meta.db_table)} ({', '.join(q(f.column) for f in campi)}) "
           f"VALUES ({', '.join(['%s'] * len(campi))})")
    with connection.cursor() as cursore:
        cursore.executemany(sql, valori)
