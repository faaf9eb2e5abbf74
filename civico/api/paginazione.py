"""Cursor pagination on (creata_il, id), newest first.

A cursor is the position of the last item seen, base64url-encoded JSON: opaque to clients, stable
while reports are added (new ones go before the first page, never between pages), and one index
range scan per page instead of an OFFSET that grows with the page number.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from civico.errors import InvalidData
from civico.segnalazioni.models import Segnalazione

LIMITE_PREDEFINITO = 50
LIMITE_MASSIMO = 200


def cursore(s: Segnalazione) -> str:
    posizione = {"t": s.creata_il.isoformat(), "i": s.pk}
    return base64.urlsafe_b64encode(json.dumps(posizione, separators=(",", ":")).encode()).decode().rstrip("=")


def _posizione(valore: str) -> tuple[datetime, int]:
    try:
        dati = json.loads(base64.urlsafe_b64decode(valore + "=" * (-len(valore) % 4)))
        quando, pk = parse_datetime(dati["t"]), dati["i"]
    except (ValueError, TypeError, KeyError, binascii.Error, UnicodeDecodeError):
        quando, pk = None, None
    if quando is None or quando.tzinfo is None or type(pk) is not int:
        raise InvalidData({"cursor": [_("Il cursore non è valido: usa quello dell'ultima risposta.")]})
    return quando, pk


def pagina(qs: QuerySet[Segnalazione], dopo: str | None, limite: int) -> tuple[list[Segnalazione], str | None]:
    """One page after the cursor `dopo`, and the cursor of the next page (None on the last)."""
    qs = qs.order_by("-creata_il", "-id")
    if dopo:
        quando, pk = _posizione(dopo)
        qs = qs.filter(Q(creata_il__lt=quando) | Q(creata_il=quando, id__lt=pk))
    righe = list(qs[: limite + 1])
    if len(righe) > limite:
        return righe[:limite], cursore(righe[limite - 1])
    return righe, None
