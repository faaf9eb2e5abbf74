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


def conferma_indirizzo(utente: Utente, email: str) -> int:
    """`email` is the citizen's (proved by a link or by their identity): it joins their addresses,
    and the reports sent with it and no account become the account's. Returns how many."""
    IndirizzoConfermato.objects.update_or_create(utente=utente, email=email.strip().lower())
    return Segnalazione.objects.filter(segnalante__isnull=True, segnalante_email__iexact=email.strip()).update(
        segnalante=utente)


def seguite(utente: Utente) -> QuerySet[Segnalazione]:
    """Followed reports, except the citizen's own (those are listed already)."""
    return (
        Segnalazione.objects.filter(iscrizioni__utente=utente).exclude(segnalante=utente)
        .select_related("ente", "categoria").order_by("-aggiornata_il").distinct()
    )
