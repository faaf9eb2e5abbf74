"""Following a report, and no longer following it."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from civico.accounts.models import Utente
from civico.comunicazioni.models import Iscrizione
from civico.segnalazioni.models import Segnalazione


def segui(segnalazione: Segnalazione, utente: Utente) -> bool:
    """Follow; True if this created the subscription, False if it already existed."""
    try:
        with transaction.atomic():
            Iscrizione.objects.create(segnalazione=segnalazione, utente=utente)
    except IntegrityError:
        return False
    return True


def smetti_di_seguire(segnalazione: Segnalazione, utente: Utente) -> bool:
    cancellate, _ = Iscrizione.objects.filter(segnalazione=segnalazione, utente=utente).delete()
    return cancellate > 0


def segue(segnalazione: Segnalazione, utente: Utente) -> bool:
    return Iscrizione.objects.filter(segnalazione=segnalazione, utente=utente).exists()


def seguaci(segnalazione: Segnalazione) -> int:
    return Iscrizione.objects.filter(segnalazione=segnalazione).count()
