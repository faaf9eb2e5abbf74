"""Waking the live poller the moment an event is committed (PostgreSQL's LISTEN/NOTIFY).

The poller (`civico.portale.live`) reads the database on an interval, so a state change reached
the page after half an interval on average and after a whole one at worst. On PostgreSQL a
trigger (migration `segnalazioni.0005`) sends a NOTIFY on the channel below whenever events are
inserted; NOTIFY is delivered at commit, so the poller never wakes before the event is readable.
Each poller keeps one listening connection of its own; its interval stays as the fallback, so a
lost notification (the listener reconnecting, SQLite, a replica) only delays, never drops.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging

from django.db import connections

log = logging.getLogger(__name__)

CANALE = "civico_eventi"  # the trigger's channel: keep in step with segnalazioni.0005
RIPROVA_S = 5.0  # after a lost listening connection (PostgreSQL restarting), try again after this
# Parameters Django adds for its own sync cursors, which an async listening connection must not get.
_SOLO_DJANGO = ("cursor_factory", "context", "prepare_threshold", "server_side_binding", "pool")


class Risveglio:
    """An alarm the poller waits on: rung by every NOTIFY, or by nothing (then it times out)."""

    def __init__(self) -> None:
        self._suonata = asyncio.Event()
        self._compito: asyncio.Task | None = None

    def avvia(self) -> None:
        """Listen on PostgreSQL; elsewhere the alarm never rings and the interval does the work."""
        if self._compito is None and connections["default"].vendor == "postgresql":
            self._compito = asyncio.get_running_loop().create_task(
                self._ascolta(), name="civico-live-listen", context=contextvars.Context()
            )

    async def ferma(self) -> None:
        compito, self._compito = self._compito, None
        if compito is not None:
            compito.cancel()
            await asyncio.gather(compito, return_exceptions=True)

    async def attendi(self, secondi: float) -> None:
        """Until the alarm rings or `secondi` pass; then reset it, before the caller reads, so a
        notification arriving during the read rings it again."""
        if not self._suonata.is_set() and secondi > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._suonata.wait(), timeout=secondi)
        self._suonata.clear()

    async def _ascolta(self) -> None:
        import psycopg

        while True:
            try:
                parametri = connections["default"].get_connection_params()
                for chiave in _SOLO_DJANGO:
                    parametri.pop(chiave, None)
                async with await psycopg.AsyncConnection.connect(**parametri, autocommit=True) as conn:
                    await conn.execute(f"LISTEN {CANALE}")
                    self._suonata.set()  # events committed while we were not listening: read now
                    async for _notifica in conn.notifies():
                        self._suonata.set()
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 — the database is down: the interval still polls
                log.warning("ascolto delle notifiche degli eventi interrotto; riprovo tra %.0f s", RIPROVA_S,
                            exc_info=True)
            await asyncio.sleep(RIPROVA_S)
