"""Delivering the outbox: claim a row, send it once, record the attempt, retry with backoff.

A row is claimed by one conditional UPDATE pending→sending (under SELECT … FOR UPDATE SKIP
LOCKED where the database has it), so two workers or a retried task never send it twice. If a
worker dies between claiming and recording, the sweeper hands the row back after a lease; the
message may then go out again, with the same Message-ID so mail clients show it once.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from civico.comunicazioni import canali
from civico.comunicazioni.impostazioni import impostazione
from civico.comunicazioni.models import EsitoTentativo, Notifica, StatoNotifica, TentativoConsegna

logger = logging.getLogger(__name__)


def accoda(ids: Iterable[int], *, quando: datetime | None = None) -> None:
    """Ask the worker to deliver these rows (at `quando`, where the backend can wait)."""
    from civico.comunicazioni.tasks import consegna_notifica

    puo_attendere = consegna_notifica.get_backend().supports_defer
    for pk in ids:
        try:
            if quando is not None and puo_attendere:
                consegna_notifica.using(run_after=quando).enqueue(pk)
            elif quando is None or quando <= timezone.now():
                consegna_notifica.enqueue(pk)
            # else: a backend that cannot wait (tests' immediate one): the sweeper will do it.
        except Exception:  # noqa: BLE001 - the row is safe in the outbox; the sweeper retries it
            logger.exception("Notifica %s: accodamento non riuscito, ci penserà lo spazzino", pk)


def accoda_dopo_il_commit(ids: list[int]) -> None:
    if ids:
        transaction.on_commit(lambda: accoda(ids), robust=True)


def consegna(pk: int) -> str:
    """Deliver one row if it is due; return what happened (for logs and tests)."""
    n = _prendi(pk)
    if n is None:
        return "non dovuta"
    inizio, t0 = timezone.now(), time.monotonic()
    try:
        esito = canali.canale(n.canale).invia(n)
    except Exception as exc:  # noqa: BLE001 - a bug in a channel must not kill the worker or lose the row
        logger.exception("Notifica %s: errore inatteso del canale %s", n.pk, n.canale)
        esito = canali.Esito.temporaneo(f"{type(exc).__name__}: {exc}")
    durata = int((time.monotonic() - t0) * 1000)
    return _registra(n, esito, inizio, durata)


def _prendi(pk: int) -> Notifica | None:
    adesso = timezone.now()
    with transaction.atomic():
        qs = Notifica.objects.filter(pk=pk, stato=StatoNotifica.IN_ATTESA, prossimo_tentativo_il__lte=adesso)
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        if not qs.exists():
            return None
        presa = Notifica.objects.filter(pk=pk, stato=StatoNotifica.IN_ATTESA).update(
            stato=StatoNotifica.IN_INVIO, tentativi=F("tentativi") + 1, in_invio_dal=adesso
        )
        if not presa:
            return None
    return Notifica.objects.select_related("ente__canali").get(pk=pk)


def _registra(n: Notifica, esito: canali.Esito, inizio: datetime, durata: int) -> str:
    adesso = timezone.now()
    campi: dict = {"in_invio_dal": None, "ultimo_errore": esito.errore}
    if esito.esito == EsitoTentativo.OK:
        campi.update(stato=StatoNotifica.INVIATA, inviata_il=adesso, id_esterno=esito.id_esterno)
        risultato = "inviata"
    elif esito.esito == EsitoTentativo.PERMANENTE or n.tentativi >= int(impostazione("MAX_TENTATIVI")):
        campi.update(stato=StatoNotifica.FALLITA)
        risultato = "fallita"
        logger.warning("Notifica %s (%s → %s) non consegnata: %s", n.pk, n.canale, n.indirizzo, esito.errore)
    else:
        prossimo = adesso + attesa(n.tentativi)
        campi.update(stato=StatoNotifica.IN_ATTESA, prossimo_tentativo_il=prossimo)
        risultato = "riprova"
        logger.info("Notifica %s: tentativo %s non riuscito (%s), riprovo alle %s", n.pk, n.tentativi,
                    esito.errore, prossimo)
    with transaction.atomic():
        TentativoConsegna.objects.create(
            notifica=n, numero=n.tentativi, iniziato_il=inizio, durata_ms=durata, esito=esito.esito,
            errore=esito.errore,
        )
        # Only the claimer writes: the row is still "sending" and ours.
        Notifica.objects.filter(pk=n.pk, stato=StatoNotifica.IN_INVIO).update(**campi)
        if risultato == "riprova":
            transaction.on_commit(lambda: accoda([n.pk], quando=campi["prossimo_tentativo_il"]), robust=True)
    return risultato


def attesa(tentativi: int) -> timedelta:
    """Exponential backoff with ±10% jitter, so a recovered server is not hit all at once."""
    base = float(impostazione("ATTESA_BASE_SECONDI"))
    secondi = min(base * 2 ** max(tentativi - 1, 0), float(impostazione("ATTESA_MASSIMA_SECONDI")))
    return timedelta(seconds=secondi * random.uniform(0.9, 1.1))  # noqa: S311 - not security


def in_sospeso(limite: int = 5000, *, grazia: float | None = None) -> int:
    """The sweeper: hand back rows stuck "sending" past the lease, and enqueue every pending row
    whose time has come (lost between commit and enqueue, or waiting on a backend that cannot
    wait). Delivery stays safe if a row is enqueued twice: the claim lets one through."""
    adesso = timezone.now()
    scadenza = adesso - timedelta(seconds=float(impostazione("LEASE_INVIO_SECONDI")))
    Notifica.objects.filter(stato=StatoNotifica.IN_INVIO, in_invio_dal__lt=scadenza).update(
        stato=StatoNotifica.IN_ATTESA, in_invio_dal=None,
        ultimo_errore="Invio interrotto (worker fermato?): nuovo tentativo",
    )
    grazia = float(impostazione("GRAZIA_SPAZZINO_SECONDI")) if grazia is None else grazia
    dovute = adesso - timedelta(seconds=grazia)
    ids = list(
        Notifica.objects.filter(stato=StatoNotifica.IN_ATTESA, prossimo_tentativo_il__lte=dovute)
        .order_by("prossimo_tentativo_il").values_list("pk", flat=True)[:limite]
    )
    accoda(ids)
    return len(ids)
