"""Tracking codes (AL-2026-000123) and private tokens."""

from __future__ import annotations

import secrets

from django.db import connection

from civico.enti.models import Ente
from civico.segnalazioni.models import ContatoreCodici

_tabella = ContatoreCodici._meta.db_table

# One statement, so two first reports of a year cannot race between "create" and "increment":
# the row lock it takes is held until commit, concurrent intakes queue here and never share a
# number, and a rolled-back intake gives its number back. PostgreSQL and SQLite ≥ 3.35 both speak it.
_PROSSIMO = (
    f"INSERT INTO {_tabella} (ente_id, anno, ultimo) VALUES (%s, %s, 1) "
    f"ON CONFLICT (ente_id, anno) DO UPDATE SET ultimo = {_tabella}.ultimo + 1 "
    "RETURNING ultimo"
)


def nuovo_numero(ente: Ente, anno: int) -> tuple[int, str]:
    """The next number of this ente and year, and its code. Call inside a transaction."""
    with connection.cursor() as cursore:
        cursore.execute(_PROSSIMO, [ente.pk, anno])
        (numero,) = cursore.fetchone()
    return numero, f"{ente.sigla}-{anno}-{numero:06d}"


def nuovo_token() -> str:
    """The secret of the reporter's private link (256 bits)."""
    return secrets.token_urlsafe(32)
