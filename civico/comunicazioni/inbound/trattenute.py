"""E-mails held for an operator: replies about a report whose sender is not proven (inbound/email.py).

The office of the report reviews each: publishing adds it to the report as the reporter's message
through the same door as a proven reply; discarding keeps it on record and adds nothing. Until
then nothing of it is public and its attachments are not stored as the report's."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civico.accounts import permissions
from civico.accounts.models import Utente
from civico.accounts.permissions import RUOLI_OPERATIVI, Attore, ruoli_attore
from civico.comunicazioni.inbound import email
from civico.comunicazioni.models import MessaggioInArrivo
from civico.comunicazioni.models.avvisi import Revisione
from civico.errors import InvalidData, NotAllowed
from civico.segnalazioni.models import Segnalazione


def da_revisionare(segnalazione: Segnalazione) -> QuerySet[MessaggioInArrivo]:
    """The held messages about this report still waiting for a decision, oldest first."""
    return MessaggioInArrivo.objects.filter(
        segnalazione=segnalazione, revisione=Revisione.IN_ATTESA
    ).order_by("ricevuto_il", "pk")


@dataclass(frozen=True)
class Trattenuta:
    """A held message as the operator reviews it: what it says, read as on arrival."""

    messaggio: MessaggioInArrivo
    testo: str
    allegati: list[str]  # the names of those that would be added (intake's checks passed)


def da_revisionare_per(utente: Utente, limite: int = 100) -> list[Trattenuta]:
    """The held messages about reports this person works on (their sender is personal data:
    working roles only, like the reporter's contacts)."""
    qs = MessaggioInArrivo.objects.filter(
        revisione=Revisione.IN_ATTESA, segnalazione__in=Segnalazione.objects.visibili_a(utente)
    ).select_related("segnalazione__ufficio").order_by("ricevuto_il", "pk")
    voci = []
    for m in qs[: limite * 2]:
        if len(voci) < limite and permissions.puo_lavorare(utente, m.segnalazione):
            _oggetto, testo, allegati, _scartati = email.leggi_trattenuto(bytes(m.contenuto))
            voci.append(Trattenuta(m, testo, [nome for nome, _dati in allegati]))
    return voci


def pubblica(messaggio: MessaggioInArrivo, attore: Attore) -> MessaggioInArrivo:
    """The operator vouches for it: its text and attachments join the report as the reporter's."""
    with transaction.atomic():
        m = _da_decidere(messaggio, attore)
        oggetto, corpo, allegati, _scartati = email.leggi_trattenuto(bytes(m.contenuto))
        email.aggiungi_del_segnalante(m.segnalazione, corpo, oggetto, allegati)
        return _decisa(m, attore, Revisione.PUBBLICATA)


def scarta(messaggio: MessaggioInArrivo, attore: Attore) -> MessaggioInArrivo:
    """Not the reporter's: nothing is added; the message stays on record."""
    with transaction.atomic():
        return _decisa(_da_decidere(messaggio, attore), attore, Revisione.SCARTATA)


def _da_decidere(messaggio: MessaggioInArrivo, attore: Attore) -> MessaggioInArrivo:
    m = MessaggioInArrivo.objects.select_for_update(of=("self",)).select_related("segnalazione").get(
        pk=messaggio.pk)
    if m.segnalazione is None:
        raise InvalidData({"messaggio": [_("Questo messaggio non riguarda una segnalazione.")]})
    if not ruoli_attore(attore, m.segnalazione) & RUOLI_OPERATIVI:
        raise NotAllowed(_("Solo gli uffici che lavorano la segnalazione possono farlo."))
    if m.revisione != Revisione.IN_ATTESA:
        raise InvalidData({"messaggio": [_("Su questo messaggio è già stato deciso.")]})
    return m


def _decisa(m: MessaggioInArrivo, attore: Attore, revisione: str) -> MessaggioInArrivo:
    m.revisione = revisione
    m.revisionato_da = attore.utente
    m.revisionato_il = timezone.now()
    m.save(update_fields=["revisione", "revisionato_da", "revisionato_il"])
    return m
