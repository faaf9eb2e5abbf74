"""Delivering the outbox: claim a row, send it once, record the attempt, retry with backoff.

A row is claimed by one conditional UPDATE pending→sending (under SELECT … FOR UPDATE SKIP
LOCKED where the database has it), so two workers or a retried task never send it twice. If a
worker dies between claiming and recording, the sweeper hands the row back after a lease; the
message may then go out again, with the same Message-ID so mail clients show it once.

Rows written together (the followers of one event) travel in batches of LOTTO: one task claims
them with one UPDATE, sends them over one SMTP connection and records the outcomes in bulk.
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
LOTTO = 100


def accoda(ids: Iterable[int], *, quando: datetime | None = None) -> None:
    """Ask the worker to deliver these rows (at `quando`, where the backend can wait): one task
    for a single row, one per LOTTO rows otherwise."""
    from civico.comunicazioni.tasks import consegna_lotto, consegna_notifica

    ids = list(ids)
    puo_attendere = consegna_notifica.get_backend().supports_defer
    if quando is not None and not puo_attendere and quando > timezone.now():
        return  # a backend that cannot wait (tests' immediate one): the sweeper will do it
    for inizio in range(0, len(ids), LOTTO):
        parte = ids[inizio : inizio + LOTTO]
        task = consegna_notifica if len(parte) == 1 else consegna_lotto
        argomento = parte[0] if len(parte) == 1 else parte
        try:
            (task.using(run_after=quando) if quando is not None and puo_attendere else task).enqueue(argomento)
        except Exception:  # noqa: BLE001 - the rows are safe in the outbox; the sweeper retries them
            logger.exception("Notifiche %s: accodamento non riuscito, ci penserà lo spazzino", parte[:5])


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


def consegna_lotto(ids: list[int]) -> dict[str, int]:
    """Deliver the due rows among `ids`, in order, over the channels' kept-open connections."""
    conteggio: dict[str, int] = {}
    righe = _prendi_lotto(ids)
    fatti: list[tuple[Notifica, canali.Esito, datetime, int]] = []
    # A channel that failed temporarily (SMTP down) is not tried again for the rest of the batch:
    # its rows wait for their backoff instead of each waiting for a timeout now.
    giu: dict[str, str] = {}
    for n in righe:
        inizio, t0 = timezone.now(), time.monotonic()
        if n.canale in giu:
            esito = canali.Esito.temporaneo(giu[n.canale])
        else:
            try:
                esito = canali.canale(n.canale).invia(n)
            except Exception as exc:  # noqa: BLE001 - as in consegna(): the row is kept, the worker lives
                logger.exception("Notifica %s: errore inatteso del canale %s", n.pk, n.canale)
                esito = canali.Esito.temporaneo(f"{type(exc).__name__}: {exc}")
            if esito.esito == EsitoTentativo.TEMPORANEO and n.canale == "email":
                giu[n.canale] = f"{esito.errore} (rinviata con il resto del lotto)"
        fatti.append((n, esito, inizio, int((time.monotonic() - t0) * 1000)))
    riuscite = [f for f in fatti if f[1].esito == EsitoTentativo.OK and not f[1].id_esterno]
    if riuscite:
        adesso = timezone.now()
        with transaction.atomic():
            TentativoConsegna.objects.bulk_create([
                TentativoConsegna(notifica=n, numero=n.tentativi, iniziato_il=inizio, durata_ms=durata,
                                  esito=EsitoTentativo.OK)
                for n, _esito, inizio, durata in riuscite
            ])
            Notifica.objects.filter(pk__in=[f[0].pk for f in riuscite], stato=StatoNotifica.IN_INVIO).update(
                stato=StatoNotifica.INVIATA, inviata_il=adesso, in_invio_dal=None, ultimo_errore=""
            )
        conteggio["inviata"] = len(riuscite)
    for n, esito, inizio, durata in fatti:
        if esito.esito == EsitoTentativo.OK and not esito.id_esterno:
            continue
        risultato = _registra(n, esito, inizio, durata)
        conteggio[risultato] = conteggio.get(risultato, 0) + 1
    return conteggio


def _prendi_lotto(ids: list[int]) -> list[Notifica]:
    """Claim the due rows with one UPDATE; the claim's timestamp tells ours from another
    worker's (on SQLite, which has no SKIP LOCKED, two workers may race for the same ids)."""
    adesso = timezone.now()
    with transaction.atomic():
        qs = Notifica.objects.filter(pk__in=ids, stato=StatoNotifica.IN_ATTESA, prossimo_tentativo_il__lte=adesso)
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        dovute = list(qs.values_list("pk", flat=True))
        Notifica.objects.filter(pk__in=dovute, stato=StatoNotifica.IN_ATTESA).update(
            stato=StatoNotifica.IN_INVIO, tentativi=F("tentativi") + 1, in_invio_dal=adesso
        )
    return list(
        Notifica.objects.filter(pk__in=dovute, stato=StatoNotifica.IN_INVIO, in_invio_dal=adesso)
        .select_related("ente__canali", "segnalazione").order_by("pk")
    )


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
