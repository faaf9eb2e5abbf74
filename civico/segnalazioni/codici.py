"""Tracking codes (AL-2026-000123) and private tokens."""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from django.db.models import F

from civico.enti.models import Ente
from civico.segnalazioni.models import ContatoreCodici


def nuovo_numero(ente: Ente, anno: int) -> tuple[int, str]:
    """The next number of this ente and year, and its code. Call inside a transaction.

    The UPDATE holds the counter row's lock until commit, so concurrent intakes queue here and
    never share a number; a rolled-back intake gives its number back.
    """
    try:
        with transaction.atomic():  # a savepoint: two first reports of a year may race here
            ContatoreCodici.objects.get_or_create(ente=ente, anno=anno)
    except IntegrityError:
        pass
    ContatoreCodici.objects.filter(ente=ente, anno=anno).update(ultimo=F("ultimo") + 1)
    numero = ContatoreCodici.objects.get(ente=ente, anno=anno).ultimo
    return numero, f"{ente.sigla}-{anno}-{numero:06d}"


def nuovo_token() -> str:
    """The secret of the reporter's private link (256 bits)."""
    return secrets.token_urlsafe(32)
