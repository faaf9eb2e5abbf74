"""Live updates of a public report's page, as Server-Sent Events.

One poller per process (per event loop) reads the database for the reports that open pages watch,
and hands their new public events to those pages: on PostgreSQL as soon as an event is committed
(LISTEN/NOTIFY, `civico.portale.risveglio`), and about once a second in any case. Each page could poll on
its own, but under ASGI Django gives every request its own thread for database work, and a page
stays connected for ten minutes: a few hundred readers would hold a few hundred threads and
PostgreSQL connections. Here they hold one of each per process.

Events carry `id:` lines, so a browser that lost the network resumes with `Last-Event-ID` and
gets what it missed from the database. Behind WSGI (the test server, `runserver`) nothing may
stream for minutes, so the view answers at once with what is new and the browser comes back
after `retry` milliseconds: slower, still correct.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
import weakref
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from asgiref.sync import sync_to_async
from django.db import connections
from django.db.models import F, Max
from django.template.loader import render_to_string
from django.utils import translation

from civico.portale import pagine
from civico.portale.risveglio import Risveglio
from civico.segnalazioni import consultazione
from civico.segnalazioni.models import Evento, Visibilita, condizione_pubblica
from civico.stati import Stato

log = logging.getLogger(__name__)

INTERVALLO_S = 1.0  # how often the poller reads the database when nothing wakes it earlier
# On PostgreSQL a committed event wakes the poller at once (civico.portale.risveglio); this is the
# least time between two reads, so a busy platform costs each process at most 1/PAUSA_S reads a second.
PAUSA_S = 0.2
BATTITO_S = 15.0  # a comment line after this much silence keeps proxies from closing the stream
DURATA_S = 600.0  # then the stream ends and the browser reconnects (spreads load, frees workers)
RIPROVA_MS = 3000  # the browser's reconnection delay under ASGI
RIPROVA_WSGI_MS = 2000  # … and under WSGI, where every answer is a short one
# How far back (in event ids) each read looks, so an event whose transaction committed after a
# higher id had been read is still delivered. Per-report cursors drop the repeats.
RITARDO_ID = 100


@dataclass(frozen=True)
class Novita:
    evento: Evento
    stato: str  # the report's state when the event was read


# --- Reading the database (in worker threads, never on the event loop) -----------------------


def _eventi_pubblici():
    return Evento.objects.filter(condizione_pubblica("segnalazione__"), visibilita=Visibilita.PUBBLICA).annotate(
        stato_corrente=F("segnalazione__stato")
    )


def _novita(righe) -> list[Novita]:
    return [Novita(e, e.stato_corrente) for e in righe]


def id_pubblico(codice: str) -> int | None:
    s = consultazione.pubblica(codice)
    return s.pk if s is not None else None


def eventi_dopo(segnalazione_id: int, dopo: int) -> list[Novita]:
    return _novita(_eventi_pubblici().filter(segnalazione_id=segnalazione_id, id__gt=dopo).order_by("id"))


def _leggi(osservate: dict[int, int], dal: int | None) -> tuple[int, list[Novita]]:
    """The highest event id now, and the public events of the watched reports after `dal`."""
    massimo = Evento.objects.aggregate(m=Max("id"))["m"] or 0
    if not osservate:
        return massimo, []
    soglia = min(osservate.values()) if dal is None else dal
    righe = _eventi_pubblici().filter(segnalazione_id__in=list(osservate), id__gt=soglia).order_by("id")
    return massimo, _novita(righe)


def _chiudendo(funzione: Callable[..., Any]) -> Callable[..., Any]:
    """Run a query in a pool thread and give its connection back at once: a stream must not
    keep a connection open for its whole life."""

    def chiama(*args: Any) -> Any:
        try:
            return funzione(*args)
        finally:
            connections.close_all()

    return chiama


async def una_volta(funzione: Callable[..., Any], *args: Any) -> Any:
    return await sync_to_async(_chiudendo(funzione), thread_sensitive=False)(*args)


# --- The poller ------------------------------------------------------------------------------


class Poller:
    """Watches reports for the streams of one event loop; runs only while someone watches."""

    def __init__(self) -> None:
        self.code: dict[int, set[asyncio.Queue[Novita]]] = {}
        self.cursori: dict[int, int] = {}  # report → last event id handed out
        self._dal: int | None = None
        self._compito: asyncio.Task | None = None
        self._risveglio = Risveglio()

    def iscrivi(self, segnalazione_id: int) -> asyncio.Queue[Novita]:
        coda: asyncio.Queue[Novita] = asyncio.Queue()
        self.code.setdefault(segnalazione_id, set()).add(coda)
        if self._compito is None:
            # A fresh context: the poller outlives the request that happened to start it.
            self._compito = asyncio.get_running_loop().create_task(
                self._ciclo(), name="civico-live", context=contextvars.Context()
            )
        return coda

    def posiziona(self, segnalazione_id: int, ultimo: int) -> None:
        """Start watching a report after `ultimo`, which its new reader has already been sent."""
        if segnalazione_id in self.code and segnalazione_id not in self.cursori:
            self.cursori[segnalazione_id] = ultimo
            if self._dal is not None:
                self._dal = min(self._dal, ultimo)

    def disiscrivi(self, segnalazione_id: int, coda: asyncio.Queue[Novita]) -> None:
        code = self.code.get(segnalazione_id)
        if code is not None:
            code.discard(coda)
            if not code:
                del self.code[segnalazione_id]
                self.cursori.pop(segnalazione_id, None)

    def consegna(self, massimo: int, novita: list[Novita]) -> None:
        for n in novita:
            sid = n.evento.segnalazione_id
            if sid in self.cursori and n.evento.id > self.cursori[sid]:
                self.cursori[sid] = n.evento.id
                for coda in self.code.get(sid, ()):
                    coda.put_nowait(n)
        self._dal = max(0, massimo - RITARDO_ID)

    async def _ciclo(self) -> None:
        loop = asyncio.get_running_loop()
        # One thread, hence one database connection, for the whole poller.
        esecutore = ThreadPoolExecutor(max_workers=1, thread_name_prefix="civico-live")
        self._risveglio.avvia()
        try:
            while self.code:
                if self.cursori:
                    try:
                        massimo, novita = await loop.run_in_executor(
                            esecutore, _leggi, dict(self.cursori), self._dal
                        )
                        self.consegna(massimo, novita)
                    except Exception:  # the database is down or restarting: try again shortly
                        log.exception("lettura degli eventi per le pagine in diretta non riuscita")
                        await loop.run_in_executor(esecutore, connections.close_all)
                pausa = min(PAUSA_S, INTERVALLO_S)
                await asyncio.sleep(pausa)
                await self._risveglio.attendi(INTERVALLO_S - pausa)
        finally:
            # Synchronously, before any await: a new reader from now on starts a new poller.
            self._compito, self._dal = None, None
            try:
                await self._risveglio.ferma()
                await loop.run_in_executor(esecutore, connections.close_all)
            finally:
                esecutore.shutdown(wait=False)


_poller: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Poller] = weakref.WeakKeyDictionary()


def poller() -> Poller:
    loop = asyncio.get_running_loop()
    corrente = _poller.get(loop)
    if corrente is None:
        corrente = _poller[loop] = Poller()
    return corrente


# --- The stream ------------------------------------------------------------------------------


def posizione(ultimo_visto: str | None, dopo: str | None) -> int:
    """Where the reader is: the browser's Last-Event-ID after a reconnection, or `?dopo=` (the
    last entry the page was rendered with); the later of the two."""
    valori = [0]
    for testo in (ultimo_visto, dopo):
        if testo and testo.strip().isdigit() and len(testo.strip()) < 19:
            valori.append(int(testo))
    return max(valori)


def messaggio(n: Novita, lingua: str) -> str:
    """One SSE message: the timeline entry as the page renders it, and the report's state."""
    with translation.override(lingua):
        html = render_to_string("portale/_voce_cronologia.html", {"voce": pagine.voce_cronologia(n.evento)})
        dati = {
            "id": n.evento.id,
            "html": html.strip(),
            "stato": n.stato,
            "stato_etichetta": str(Stato(n.stato).label) if n.stato in Stato.values else n.stato,
        }
    return f"id: {n.evento.id}\nevent: evento\ndata: {json.dumps(dati, ensure_ascii=False)}\n\n"


async def subito(segnalazione_id: int, dopo: int, lingua: str) -> str:
    """The WSGI answer: what is new, then an invitation to come back shortly."""
    novita = await una_volta(eventi_dopo, segnalazione_id, dopo)
    return f"retry: {RIPROVA_WSGI_MS}\n\n" + "".join(messaggio(n, lingua) for n in novita)


async def flusso(segnalazione_id: int, dopo: int, lingua: str) -> AsyncIterator[str]:
    """The ASGI stream: what the reader missed, then each new public event as it happens."""
    osservatore = poller()
    loop = asyncio.get_running_loop()
    fine = loop.time() + DURATA_S
    # Watch first, then catch up: an event in between arrives twice and is sent once.
    coda = osservatore.iscrivi(segnalazione_id)
    try:
        yield f"retry: {RIPROVA_MS}\n\n"
        ultimo = dopo
        for n in await una_volta(eventi_dopo, segnalazione_id, dopo):
            ultimo = max(ultimo, n.evento.id)
            yield messaggio(n, lingua)
        osservatore.posiziona(segnalazione_id, ultimo)
        while (resta := fine - loop.time()) > 0:
            try:
                n = await asyncio.wait_for(coda.get(), timeout=min(BATTITO_S, resta))
            except TimeoutError:
                yield ": battito\n\n"
                continue
            if n.evento.id > ultimo:
                ultimo = n.evento.id
                yield messaggio(n, lingua)
    finally:
        osservatore.disiscrivi(segnalazione_id, coda)
