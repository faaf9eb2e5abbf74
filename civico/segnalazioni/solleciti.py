"""Overdue escalation: when a report misses its deadline, its office's managers are told once.

Run by `civico controlla_scadenze`. Each report is handled in its own transaction under its row
lock: marking it and appending the internal "escalated" event are one commit, and with that event
the outbox (civico.comunicazioni.personale) puts the report in each manager's overdue summary
(never one e-mail per report: a first run on a comune with a thousand late reports must not send
a thousand e-mails). The command then sends the summaries, one per person per day; the worker
delivers them with retries. A marked report is never escalated again for the same deadline.
The inherited backlog is not late (`sla.q_conta_nei_ritardi`): it is never escalated.

Second level: a report still late `giorni_secondo_sollecito()` days after its deadline (setting
CIVICO["SLA_GIORNI_SECONDO_SOLLECITO"], 7 by default) is escalated once more to the ente's
dirigenti (its administrators), the same way: an item of their one daily overdue summary.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from civico.accounts.models import Ruolo, Utente
from civico.accounts.permissions import Attore
from civico.segnalazioni import attesa, eventi, sla
from civico.segnalazioni.models import Segnalazione, TipoEvento, Visibilita

log = logging.getLogger(__name__)


def responsabili(s: Segnalazione) -> list[Utente]:
    """The office managers of the report's office or of its whole ente (those with an e-mail)."""
    copre = Q(incarichi__ufficio__isnull=True)
    if s.ufficio_id:
        copre |= Q(incarichi__ufficio_id=s.ufficio_id)
    return list(
        Utente.objects.filter(copre, incarichi__ruolo=Ruolo.OFFICE_MANAGER, incarichi__ente_id=s.ente_id,
                              is_active=True)
        .exclude(email="")
        .distinct()
        .order_by("email")
    )


def dirigenti(s: Segnalazione) -> list[Utente]:
    """The ente's dirigenti (its administrators, with an e-mail): the second level of escalation."""
    return list(
        Utente.objects.filter(incarichi__ruolo=Ruolo.ENTE_ADMIN, incarichi__ente_id=s.ente_id, is_active=True)
        .exclude(email="")
        .distinct()
        .order_by("email")
    )


def giorni_secondo_sollecito() -> int:
    return int(settings.CIVICO.get("SLA_GIORNI_SECONDO_SOLLECITO", 7))


@dataclass
class EsitoSolleciti:
    sollecitate: int = 0
    ai_dirigenti: int = 0  # second level
    # Codes that could not be handled (a database error): unmarked, tried again next run.
    fallite: list[str] = field(default_factory=list)


def sollecita_ritardi(oggi: date | None = None) -> EsitoSolleciti:
    """Escalate every report overdue at `oggi` and not escalated yet."""
    attesa.riprendi_sospensioni_scadute()
    oggi = oggi or timezone.localdate()
    esito = EsitoSolleciti()
    da_sollecitare = sla.in_ritardo(Segnalazione.objects.filter(sollecitata_il__isnull=True), oggi)
    esito.sollecitate = _una_per_volta(da_sollecitare, lambda s: sollecita(s, oggi), esito, "sollecito")
    # Still late a while after the deadline: the dirigenti hear (once per deadline).
    limite = oggi - timedelta(days=giorni_secondo_sollecito())
    ancora = sla.in_ritardo(Segnalazione.objects.filter(sollecitata_il__isnull=False,
                                                        sollecitata_dirigenti_il__isnull=True), limite)
    esito.ai_dirigenti = _una_per_volta(ancora, lambda s: sollecita_dirigenti(s, limite), esito,
                                        "sollecito ai dirigenti")
    return esito


def _una_per_volta(qs: QuerySet[Segnalazione], sollecito: Callable[[Segnalazione], bool], esito: EsitoSolleciti,
                   cosa: str) -> int:
    """Each report in its own transaction, by deadline: one that fails is logged and counted in
    `esito.fallite`, the others go on. How many were escalated."""
    fatti = 0
    for s in qs.order_by("scadenza", "pk").only("pk", "codice"):
        try:
            fatti += sollecito(s)
        except DatabaseError as errore:
            log.warning("scadenze: %s per %s non registrato: %s", cosa, s.codice, errore)
            esito.fallite.append(s.codice)
    return fatti


def sollecita_dirigenti(segnalazione: Segnalazione, limite: date) -> bool:
    """Escalate to the dirigenti a report whose deadline is before `limite` (second level)."""
    with transaction.atomic():
        s = (
            sla.in_ritardo(Segnalazione.objects.filter(pk=segnalazione.pk, sollecitata_il__isnull=False,
                                                       sollecitata_dirigenti_il__isnull=True), limite)
            .select_for_update(of=("self",))
            .select_related("ente")
            .first()
        )
        if s is None:
            return False
        persone = dirigenti(s)
        if not persone:
            log.warning("scadenze: nessun dirigente da avvisare per %s", s.codice)
        quando = timezone.now()
        s.sollecitata_dirigenti_il = quando
        eventi.aggiorna(s, quando)
        s.save()
        eventi.registra(s, TipoEvento.ESCALATED, Attore.di_sistema(), quando=quando, visibilita=Visibilita.INTERNA,
                        dati={"livello": 2, "destinatari": [p.email for p in persone],
                              "utenti": [p.pk for p in persone], "caselle": [], "scadenza": s.scadenza.isoformat()})
    return True


def sollecita(segnalazione: Segnalazione, oggi: date) -> bool:
    with transaction.atomic():
        s = (
            sla.in_ritardo(Segnalazione.objects.filter(pk=segnalazione.pk, sollecitata_il__isnull=True), oggi)
            .select_for_update(of=("self",))  # the report only: the office is on the nullable side
            .select_related("ente", "categoria", "ufficio")
            .first()
        )
        if s is None:  # handled meanwhile, or no longer late
            return False
        persone = responsabili(s)
        # An office with no manager to tell is told at its own mailbox.
        caselle = [] if persone or not (s.ufficio and s.ufficio.email) else [s.ufficio.email]
        if not (persone or caselle):
            log.warning("scadenze: nessun responsabile da avvisare per %s", s.codice)
        quando = timezone.now()
        s.sollecitata_il = quando
        eventi.aggiorna(s, quando)
        s.save()
        # With this event the outbox puts the report in each one's overdue summary.
        eventi.registra(s, TipoEvento.ESCALATED, Attore.di_sistema(), quando=quando, visibilita=Visibilita.INTERNA,
                        dati={"destinatari": [p.email for p in persone] + caselle, "utenti": [p.pk for p in persone],
                              "caselle": caselle, "scadenza": s.scadenza.isoformat()})
    return True

