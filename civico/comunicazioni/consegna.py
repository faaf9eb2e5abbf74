"""Delivering the outbox: claim a row, send it once, record the attempt, retry with backoff.

A row is claimed by one conditional UPDATE pending→sending (under SELECT … FOR UPDATE SKIP
LOCKED where the database has it), so two workers or a retried task never send it twice. The
claim is a lease: its timestamp (`in_invio_dal`) is renewed while a batch runs, and only the
holder of that timestamp may record the outcome. If a worker dies (kill -9), the sweeper, which
runs inside every worker (`civico worker`), hands its rows back once the lease expires and
enqueues them at once; the message that was on the wire may go out again, with the same
Message-ID so it can be counted and mail clients show it once.

Rows written together (the followers of one event) travel in batches of LOTTO: one task claims
them with one UPDATE and sends them over one SMTP connection; each outcome is recorded right
after the server answered, in its own short transaction, so a crash repeats at most one message.

Urgent rows (sign-in links, `URGENTI`) are enqueued with a higher priority: the worker takes
them before any queued batch.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import random
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Count, F, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from civico.comunicazioni import canali
from civico.comunicazioni.impostazioni import impostazione
from civico.comunicazioni.models import EsitoTentativo, Notifica, StatoNotifica, TentativoConsegna

logger = logging.getLogger(__name__)
LOTTO = 100
# Why a row is urgent: a person is waiting for it on a page (the sign-in link).
URGENTI = frozenset({"accesso", "conferma"})
PRIORITA_URGENTE = 50  # django-tasks' range is -100…100, default 0; the worker takes the highest first


# Inside `storia_passata()`: the ids written meanwhile, kept instead of being enqueued.
_del_passato: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("civico_del_passato", default=None)


@contextlib.contextmanager
def storia_passata() -> Iterator[None]:
    """Loading past events (the demo's year of reports): their messages' moment has gone, so
    what the outbox writes meanwhile is never enqueued and is removed at the end: no backlog,
    no mail to the addresses of a history."""
    raccolti: list[int] = []
    segno = _del_passato.set(raccolti)
    try:
        yield
    finally:
        _del_passato.reset(segno)
        for inizio in range(0, len(raccolti), 1000):
            Notifica.objects.filter(pk__in=raccolti[inizio : inizio + 1000], stato=StatoNotifica.IN_ATTESA).delete()


def accoda(ids: Iterable[int], *, quando: datetime | None = None, urgente: bool = False) -> None:
    """Ask the worker to deliver these rows (at `quando`, where the backend can wait): one task
    for a single row, one per LOTTO rows otherwise; `urgente` ones ahead of the queue."""
    from civico.comunicazioni.tasks import consegna_lotto, consegna_notifica

    ids = list(ids)
    if (raccolti := _del_passato.get()) is not None:
        raccolti.extend(ids)
        return
    puo_attendere = consegna_notifica.get_backend().supports_defer
    if quando is not None and not puo_attendere and quando > timezone.now():
        return  # a backend that cannot wait (tests' immediate one): the sweeper will do it
    opzioni: dict = {"priority": PRIORITA_URGENTE} if urgente else {}
    if quando is not None and puo_attendere:
        opzioni["run_after"] = quando
    for inizio in range(0, len(ids), LOTTO):
        parte = ids[inizio : inizio + LOTTO]
        task = consegna_notifica if len(parte) == 1 else consegna_lotto
        argomento = parte[0] if len(parte) == 1 else parte
        try:
            (task.using(**opzioni) if opzioni else task).enqueue(argomento)
        except Exception:  # noqa: BLE001 - the rows are safe in the outbox; the sweeper retries them
            logger.exception("Notifiche %s: accodamento non riuscito, ci penserà lo spazzino", parte[:5])


def si_accoda() -> bool:
    """False inside `storia_passata()`: what is written there is never enqueued, but removed."""
    return _del_passato.get() is None


def accoda_dopo_il_commit(ids: list[int], *, urgente: bool = False) -> None:
    if ids:
        transaction.on_commit(lambda: accoda(ids, urgente=urgente), robust=True)


def lease() -> timedelta:
    return timedelta(seconds=float(impostazione("LEASE_INVIO_SECONDI")))


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
        esito = canali.EsitoInvio.temporaneo(f"{type(exc).__name__}: {exc}")
    durata = int((time.monotonic() - t0) * 1000)
    return _registra(n, esito, inizio, durata)


def consegna_lotto(ids: list[int]) -> dict[str, int]:
    """Deliver the due rows among `ids`, in order, over the channels' kept-open connections;
    each outcome is recorded as soon as it is known."""
    conteggio: dict[str, int] = {}
    righe = _prendi_lotto(ids)
    # A channel that failed temporarily (SMTP down) is not tried again for the rest of the batch:
    # its rows wait for their backoff instead of each waiting for a timeout now.
    giu: dict[str, str] = {}
    rinnovo = _Rinnovo()
    for i, n in enumerate(righe):
        rinnovo.se_serve(righe[i:])
        inizio, t0 = timezone.now(), time.monotonic()
        if n.canale in giu:
            esito = canali.EsitoInvio.temporaneo(giu[n.canale])
        else:
            try:
                esito = canali.canale(n.canale).invia(n)
            except Exception as exc:  # noqa: BLE001 - as in consegna(): the row is kept, the worker lives
                logger.exception("Notifica %s: errore inatteso del canale %s", n.pk, n.canale)
                esito = canali.EsitoInvio.temporaneo(f"{type(exc).__name__}: {exc}")
            if esito.esito == EsitoTentativo.TEMPORANEO and n.canale == "email":
                giu[n.canale] = f"{esito.errore} (rinviata con il resto del lotto)"
        risultato = _registra(n, esito, inizio, int((time.monotonic() - t0) * 1000))
        conteggio[risultato] = conteggio.get(risultato, 0) + 1
    return conteggio


class _Rinnovo:
    """The batch's heartbeat: while it runs, the lease of the rows not yet recorded is renewed
    every third of its length, so the sweeper leaves a live batch alone however long it is."""

    def __init__(self) -> None:
        self.ogni = lease().total_seconds() / 3
        self.ultimo = time.monotonic()

    def se_serve(self, restanti: list[Notifica]) -> None:
        if not restanti or time.monotonic() - self.ultimo < self.ogni:
            return
        vecchio, nuovo = restanti[0].in_invio_dal, timezone.now()
        Notifica.objects.filter(
            pk__in=[n.pk for n in restanti], stato=StatoNotifica.IN_INVIO, in_invio_dal=vecchio,
        ).update(in_invio_dal=nuovo)
        for n in restanti:
            if n.in_invio_dal == vecchio:
                n.in_invio_dal = nuovo
        self.ultimo = time.monotonic()


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


def _registra(n: Notifica, esito: canali.EsitoInvio, inizio: datetime, durata: int) -> str:
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
    if esito.esito == EsitoTentativo.OK and n.motivo in URGENTI:
        campi.update(testo=_("(collegamento inviato e rimosso dall'archivio)"), html="")  # a key, not a record
    urgente = n.motivo in URGENTI
    with transaction.atomic():
        TentativoConsegna.objects.create(
            notifica=n, numero=n.tentativi, iniziato_il=inizio, durata_ms=durata, esito=esito.esito,
            errore=esito.errore,
        )
        # Only the holder of the lease writes: the row is still "sending" under our timestamp.
        Notifica.objects.filter(pk=n.pk, stato=StatoNotifica.IN_INVIO, in_invio_dal=n.in_invio_dal).update(**campi)
        if risultato == "riprova":
            transaction.on_commit(
                lambda: accoda([n.pk], quando=campi["prossimo_tentativo_il"], urgente=urgente), robust=True)
    return risultato


def attesa(tentativi: int) -> timedelta:
    """Exponential backoff with ±10% jitter, so a recovered server is not hit all at once."""
    base = float(impostazione("ATTESA_BASE_SECONDI"))
    secondi = min(base * 2 ** max(tentativi - 1, 0), float(impostazione("ATTESA_MASSIMA_SECONDI")))
    return timedelta(seconds=secondi * random.uniform(0.9, 1.1))  # noqa: S311 - not security


def in_sospeso(limite: int = 5000, *, grazia: float | None = None) -> int:
    """The sweeper: hand back rows stuck "sending" past their lease (their worker died) and
    enqueue them at once, then enqueue every pending row whose time has come (lost between
    commit and enqueue, or waiting on a backend that cannot wait), urgent ones first. Delivery
    stays safe if a row is enqueued twice: the claim lets one through. First, the rows a new
    report still owes (its task lost, or the worker was down): their writing is enqueued again
    (a task written twice writes once: outbox.scrivi_sospesi)."""
    adesso = timezone.now()
    grazia = float(impostazione("GRAZIA_SPAZZINO_SECONDI")) if grazia is None else grazia
    da_scrivere = _riaccoda_scritture(adesso - timedelta(seconds=grazia), limite)
    scadute = Notifica.objects.filter(stato=StatoNotifica.IN_INVIO, in_invio_dal__lt=adesso - lease())
    riprese = list(scadute.values_list("pk", "motivo")[:limite])
    if riprese:
        Notifica.objects.filter(pk__in=[pk for pk, _m in riprese], stato=StatoNotifica.IN_INVIO,
                                in_invio_dal__lt=adesso - lease()).update(
            stato=StatoNotifica.IN_ATTESA, in_invio_dal=None,  # still due since its time: the age tells the delay
            ultimo_errore="Invio interrotto (worker fermato?): nuovo tentativo",
        )
        logger.warning("Spazzino: %s notifiche riprese da un worker fermato durante l'invio", len(riprese))
    # While delivery tasks are queued, late rows are most likely among them: enqueueing them
    # again every pass would only swell the queue. Expired leases are never queued: always.
    dovute = [] if _consegne_in_coda() else list(
        Notifica.objects.filter(stato=StatoNotifica.IN_ATTESA, prossimo_tentativo_il__lte=adesso - timedelta(
            seconds=grazia)).order_by("prossimo_tentativo_il").values_list("pk", "motivo")[:limite]
    )
    tutte = dict(riprese + dovute)
    urgenti = [pk for pk, motivo in tutte.items() if motivo in URGENTI]
    accoda(urgenti, urgente=True)
    accoda([pk for pk, motivo in tutte.items() if motivo not in URGENTI])
    return len(tutte) + da_scrivere


@dataclass(frozen=True)
class Situazione:
    """What the outbox looks like now, for /metrics and /readyz (read from the database, so
    every process tells the same truth)."""

    in_attesa: int  # pending, due or not
    dovute: int  # pending and due now
    in_invio: int  # leased by a worker
    bloccate: int  # leased, lease expired: their worker died, the sweeper will hand them back
    eta_piu_vecchia_dovuta: float  # seconds the oldest due (or stuck) row has been due; 0 if none


def situazione() -> Situazione:
    adesso = timezone.now()
    dovuta = Q(stato=StatoNotifica.IN_ATTESA, prossimo_tentativo_il__lte=adesso)
    bloccata = Q(stato=StatoNotifica.IN_INVIO, in_invio_dal__lt=adesso - lease())
    conti = Notifica.objects.filter(stato__in=[StatoNotifica.IN_ATTESA, StatoNotifica.IN_INVIO]).aggregate(
        in_attesa=Count("pk", filter=Q(stato=StatoNotifica.IN_ATTESA)), dovute=Count("pk", filter=dovuta),
        in_invio=Count("pk", filter=Q(stato=StatoNotifica.IN_INVIO)), bloccate=Count("pk", filter=bloccata),
        dovuta_dal=Min("prossimo_tentativo_il", filter=dovuta | bloccata),
    )
    dal = conti.pop("dovuta_dal")
    return Situazione(**conti, eta_piu_vecchia_dovuta=max(0.0, (adesso - dal).total_seconds()) if dal else 0.0)


def _consegne_in_coda(*compiti) -> bool:
    """Whether delivery tasks (or these) wait, due, in the database queue (never with other backends)."""
    from civico.comunicazioni.tasks import consegna_lotto, consegna_notifica

    if not type(consegna_lotto.get_backend()).__module__.startswith("django_tasks_db"):
        return False
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.ready().filter(
        task_path__in=[t.module_path for t in compiti or (consegna_lotto, consegna_notifica)]).exists()


def _riaccoda_scritture(prima_del: datetime, limite: int) -> int:
    """Enqueue again the writing of the outbox rows new reports still owe since before `prima_del`."""
    from civico.comunicazioni.models import EventoDaScrivere
    from civico.comunicazioni.tasks import scrivi_notifiche

    if _consegne_in_coda(scrivi_notifiche):  # the worker has them queued: not once more each pass
        return 0
    ids = list(EventoDaScrivere.objects.filter(creato_il__lte=prima_del).order_by("creato_il")
               .values_list("evento_id", flat=True)[:limite])
    for evento_id in ids:
        try:
            scrivi_notifiche.enqueue(evento_id)
        except Exception:  # noqa: BLE001 - still owed: the next pass tries again
            logger.exception("Evento %s: scrittura delle notifiche non accodata", evento_id)
    return len(ids)


def spazzino(ferma: threading.Event, ogni: float | None = None) -> threading.Thread:
    """The sweeper loop inside the worker process: no cron needed. A first pass at start: a
    worker back after a crash resumes at once."""
    from civico.core.estensioni import avvia_periodico

    intervallo = float(impostazione("SPAZZINO_OGNI_SECONDI")) if ogni is None else ogni
    return avvia_periodico(ferma, "civico-spazzino", in_sospeso, intervallo, subito=True,
                           descrizione="Spazzino dell'outbox")
