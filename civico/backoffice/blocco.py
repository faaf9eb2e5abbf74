"""Bulk actions in the background: the request records a job and returns at once; the worker
does each report through the same door as a single click (`azioni.esegui`), each in its own
transaction, so one refusal never undoes the others.

Each report's outcome (`EsitoInBlocco`) is written in the transaction of its action: progress is
their count, and a task run again (a worker killed mid-way, the queue retrying) skips what is
already done. Mistakes that would refuse every report alike (no selection, a missing reason)
are reported before the job is even created (`azioni.verifica_blocco`).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from civico.accounts.models import Utente
from civico.backoffice import azioni
from civico.backoffice.models import EsitoInBlocco, LavoroInBlocco, StatoLavoro
from civico.comunicazioni import personale
from civico.errors import DomainError
from civico.segnalazioni.models import Segnalazione

log = logging.getLogger(__name__)


def avvia(utente: Utente, codici: list[str], nome: str, dati: azioni.Dati, *, ritorno: str = "") -> LavoroInBlocco:
    """Check what can be checked once, record the job, hand it to the worker. Raises `InvalidData`."""
    azioni.verifica_blocco(nome, dati, codici)
    codici = list(dict.fromkeys(c.strip().upper()[:40] for c in codici if c.strip()))
    campi = {k: v for k, v in asdict(dati).items() if k not in ("foto", "versione")}
    with transaction.atomic():
        lavoro = LavoroInBlocco.objects.create(
            utente=utente, azione=nome, dati=campi, codici=codici, totale=len(codici), ritorno=ritorno[:2000],
            creato_il=timezone.now(),
        )
    accoda(lavoro)
    return lavoro


def accoda(lavoro: LavoroInBlocco) -> None:
    from civico.backoffice.tasks import esegui_lavoro

    # The database queue writes the task in the current transaction: a worker sees it only once
    # the job row is committed too (no on_commit needed, and nothing is enqueued for a rollback).
    esegui_lavoro.enqueue(lavoro.pk)


def esegui(lavoro_id: int) -> int:
    """Do what is left of the job; return how many reports this run handled."""
    lavoro = LavoroInBlocco.objects.select_related("utente").filter(pk=lavoro_id).first()
    if lavoro is None or lavoro.stato == StatoLavoro.FINITO:
        return 0
    LavoroInBlocco.objects.filter(pk=lavoro.pk, stato=StatoLavoro.IN_CODA).update(stato=StatoLavoro.IN_CORSO)
    utente, dati = lavoro.utente, azioni.Dati(**lavoro.dati)
    fatti = set(lavoro.esiti.values_list("codice", flat=True))
    da_fare = [c for c in lavoro.codici if c not in fatti]
    # The reports this person may see now (a role removed meanwhile is respected).
    trovate = {s.codice: s for s in Segnalazione.objects.visibili_a(utente).filter(codice__in=da_fare)}
    gestite = 0
    # 500 assignments to one operator are one e-mail to them, not 500 (comunicazioni.personale).
    lotto = f"blocco:{lavoro.pk}"
    with personale.un_messaggio_per_persona(lotto):
        for codice in da_fare:
            gestite += _una(lavoro, codice, trovate.get(codice), utente, dati)
    personale.invia_lotto(lotto)
    LavoroInBlocco.objects.filter(pk=lavoro.pk).update(stato=StatoLavoro.FINITO, finito_il=timezone.now())
    return gestite


def _una(lavoro: LavoroInBlocco, codice: str, s: Segnalazione | None, utente: Utente, dati: azioni.Dati) -> bool:
    try:
        with transaction.atomic():
            # First the outcome row: a second run of the same job waits here, then finds it and skips.
            esito = EsitoInBlocco.objects.create(lavoro=lavoro, codice=codice)
            if s is None:
                esito.motivo = _("Segnalazione non trovata tra quelle che puoi vedere.")
            else:
                try:
                    azioni.esegui(s, lavoro.azione, utente, dati, controlla_versione=False)
                except DomainError as errore:  # its own savepoint is rolled back; the others stay
                    esito.motivo = str(errore)[:500]
                else:
                    esito.riuscita = True
            esito.save(update_fields=["riuscita", "motivo"])
    except IntegrityError:
        return False  # done by another run of the same job
    return True


@dataclass
class Avanzamento:
    lavoro: LavoroInBlocco
    fatte: int
    riuscite: int
    rifiutate: list[tuple[str, str]]
    aggiornate: list[str]

    @property
    def finito(self) -> bool:
        return self.lavoro.stato == StatoLavoro.FINITO

    @property
    def n_rifiutate(self) -> int:
        return self.fatte - self.riuscite

    @property
    def percento(self) -> int:
        return round(100 * self.fatte / self.lavoro.totale) if self.lavoro.totale else 100


def avanzamento(lavoro: LavoroInBlocco) -> Avanzamento:
    esiti: QuerySet[EsitoInBlocco] = lavoro.esiti.order_by("id")
    fatte = esiti.count()
    finito = lavoro.stato == StatoLavoro.FINITO
    rifiutate = list(esiti.filter(riuscita=False).values_list("codice", "motivo")) if finito else []
    aggiornate = list(esiti.filter(riuscita=True).values_list("codice", flat=True)) if finito else []
    riuscite = len(aggiornate) if finito else esiti.filter(riuscita=True).count()
    return Avanzamento(lavoro, fatte, riuscite, rifiutate, aggiornate)


def del_richiedente(utente: Utente, pk: int) -> LavoroInBlocco | None:
    """A job is seen only by who asked for it."""
    return LavoroInBlocco.objects.filter(pk=pk, utente=utente).first()
