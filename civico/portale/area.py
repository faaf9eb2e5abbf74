"""The citizen's personal area: their reports and the ones they follow."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from civico.accounts.models import Utente
from civico.portale.models import IndirizzoConfermato
from civico.segnalazioni.models import Segnalazione


def email_confermate(utente: Utente) -> list[str]:
    return list(IndirizzoConfermato.objects.filter(utente=utente).values_list("email", flat=True))


def mie_segnalazioni(utente: Utente) -> QuerySet[Segnalazione]:
    """Sent while signed in, or sent with an e-mail address the citizen has confirmed."""
    condizione = Q(segnalante=utente)
    for email in email_confermate(utente):
        condizione |= Q(segnalante_email__iexact=email)
    return Segnalazione.objects.filter(condizione).select_related("ente", "categoria").order_by("-creata_il")


def seguite(utente: Utente) -> QuerySet[Segnalazione]:
    """Followed reports, except the citizen's own (those are listed already)."""
    return (
        Segnalazione.objects.filter(iscrizioni__utente=utente).exclude(segnalante=utente)
        .select_related("ente", "categoria").order_by("-aggiornata_il").distinct()
    )
