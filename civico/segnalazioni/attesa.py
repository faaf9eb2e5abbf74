"""Waiting for the reporter: the office asks for information and the SLA clock stops until the
reporter answers (a message or an attachment), the report leaves the open states, or the legal
maximum of a suspension (30 days, art. 2 c. 7 L. 241/1990) has passed (`controlla_scadenze`).
Then the deadline moves by the paused time, counted in its own calendar (`sla.giorni_di_pausa`).

The answer is noticed by a receiver of `eventi.evento_registrato`, connected when this module is
imported (SegnalazioniConfig.ready). Callers that prefer it inside their own transaction may call
`riprendi()` directly: it is a no-op when the report is not waiting.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civico.accounts.permissions import RUOLI_OPERATIVI, Attore, ruoli_attore
from civico.errors import Conflict, InvalidData, NotAllowed
from civico.segnalazioni import eventi, sla
from civico.segnalazioni.models import Evento, Segnalazione, TipoEvento, Visibilita
from civico.segnalazioni.workflow import APERTI
from civico.testo import MAX_DESCRIZIONE, valida_testo

MAX_GIORNI_SOSPENSIONE = sla.MAX_GIORNI_SOSPENSIONE
# What the reporter does that counts as an answer.
RISPOSTE_DEL_SEGNALANTE = frozenset({TipoEvento.COMMENT, TipoEvento.MEDIA_ADDED})


def richiedi_informazioni(segnalazione: Segnalazione, attore: Attore, testo: str) -> Segnalazione:
    """Ask the reporter a question (they and staff see it, the public does not) and stop the clock.

    A second question while already waiting keeps the first pause start: the clock stopped then.
    """
    errori: dict = {}
    testo = valida_testo(testo, "testo", MAX_DESCRIZIONE, errori, obbligatorio=True)
    if errori:
        raise InvalidData(errori)
    with transaction.atomic():
        s = Segnalazione.objects.select_for_update().get(pk=segnalazione.pk)
        if not ruoli_attore(attore, s) & RUOLI_OPERATIVI:
            raise NotAllowed(_("Solo gli uffici che lavorano la segnalazione possono farlo."))
        if s.stato not in APERTI:
            raise Conflict(
                _("Non si chiedono informazioni su una segnalazione «%(stato)s».") % {"stato": s.get_stato_display()},
                code="illegal_state",
            )
        quando = timezone.now()
        if s.in_attesa_dal is None:
            s.in_attesa_dal = quando
        eventi.aggiorna(s, quando)
        s.save()
        eventi.registra(s, TipoEvento.INFO_REQUESTED, attore, quando=quando,
                        visibilita=Visibilita.SEGNALANTE, testo=testo)
    return s


def riprendi(segnalazione: Segnalazione, quando: datetime | None = None) -> Segnalazione:
    """End the pause at `quando`: add the paused days, counted in the deadline's own calendar
    (`sla.giorni_di_pausa`), and move the deadline. A no-op when the report is not waiting, so
    callers may call it on every answer."""
    with transaction.atomic():
        # Lock the report only, not its category and ente rows.
        s = Segnalazione.objects.select_for_update(of=("self",)).select_related("categoria", "ente").get(
            pk=segnalazione.pk
        )
        if s.in_attesa_dal is None:
            return s
        quando = quando or timezone.now()
        giorni = sla.giorni_di_pausa(s.categoria, s.ente, s.in_attesa_dal, quando)
        precedente = s.scadenza
        s.giorni_sospesi += giorni
        s.in_attesa_dal = None
        s.scadenza = sla.scadenza_di(s)
        if s.scadenza != precedente:
            # A new deadline: if it is missed too, managers (and later dirigenti) hear again.
            s.sollecitata_il = s.sollecitata_dirigenti_il = None
        eventi.aggiorna(s, quando)
        s.save()
        eventi.registra(
            s, TipoEvento.SLA_RESUMED, Attore.di_sistema(), quando=quando, visibilita=Visibilita.INTERNA,
            dati={"giorni_sospesi": giorni, "scadenza": s.scadenza.isoformat() if s.scadenza else None},
        )
    return s


def riprendi_sospensioni_scadute(adesso: datetime | None = None) -> int:
    """Restart the clock of reports that waited longer than the law allows; how many."""
    adesso = adesso or timezone.now()
    limite = adesso - timedelta(days=MAX_GIORNI_SOSPENSIONE)
    scadute = Segnalazione.objects.filter(in_attesa_dal__lte=limite).only("pk", "in_attesa_dal")
    for s in scadute:
        riprendi(s, s.in_attesa_dal + timedelta(days=MAX_GIORNI_SOSPENSIONE))
    return len(scadute)


def termina_la_pausa(evento: Evento) -> bool:
    """The reporter answered (a message or a photo), or the report is no longer open."""
    if evento.tipo in RISPOSTE_DEL_SEGNALANTE:
        return evento.dati.get("attore") == "segnalante"
    return evento.tipo == TipoEvento.STATE_CHANGED and evento.stato_a not in APERTI


@receiver(eventi.evento_registrato, dispatch_uid="civico.segnalazioni.attesa.fine_attesa")
def _fine_attesa(sender, evento: Evento, **kwargs) -> None:
    # After commit: a separate short transaction; `riprendi` checks again under the row lock.
    if termina_la_pausa(evento) and Segnalazione.objects.filter(
        pk=evento.segnalazione_id, in_attesa_dal__isnull=False
    ).exists():
        riprendi(evento.segnalazione, evento.creato_il)
