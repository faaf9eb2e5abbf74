"""What the apps above core add to the platform plumbing: readiness checks, database gauges
and worker threads.

Core serves /readyz and /metrics and runs `civico worker`, but it sits below every app and must
not know their tables (the outbox is `comunicazioni`'s). An app registers its own parts here in
its AppConfig.ready(); core calls them in the order they were registered, after its own.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

# A readiness check: its JSON under /readyz "checks"; "status" other than "ok" degrades readiness.
ControlloProntezza = Callable[[], dict[str, Any]]
# Gauges read from the database at each scrape: (name, help, value or None when absent).
Misure = Callable[[], list[tuple[str, str, float | None]]]
# A thread the worker starts and stops with the `ferma` event.
Filo = Callable[[threading.Event], threading.Thread]

_controlli: dict[str, ControlloProntezza] = {}
_misure: list[Misure] = []
_fili: list[Filo] = []


def registra_controllo(nome: str, controllo: ControlloProntezza) -> None:
    """A check shown in /readyz under `nome`, run only when the database answers. A registered
    check degrades readiness (status "degraded") but never takes the node out alone."""
    _controlli[nome] = controllo


def registra_misure(misure: Misure) -> None:
    """Gauges of /metrics, listed before core's own (tasks queued, worker heartbeat)."""
    if misure not in _misure:
        _misure.append(misure)


def registra_filo(filo: Filo) -> None:
    """A thread of `civico worker`, started after the heartbeat."""
    if filo not in _fili:
        _fili.append(filo)


def controlli() -> dict[str, ControlloProntezza]:
    return dict(_controlli)


def misure() -> list[Misure]:
    return list(_misure)


def fili() -> list[Filo]:
    return list(_fili)


def avvia_periodico(ferma: threading.Event, nome: str, passo: Callable[[], object], ogni: float, *,
                    subito: bool = False, descrizione: str = "") -> threading.Thread:
    """Start the worker thread `nome` that runs `passo` every `ogni` seconds (also at once if
    `subito`) until `ferma` is set. A thread, so a long task in the queue does not delay it; a
    failed pass (the database down) is logged and tried again at the next one."""
    from django.db import close_old_connections, connection

    def un_passo() -> None:
        try:
            close_old_connections()
            passo()
        except Exception:
            log.warning("%s: passaggio non riuscito", descrizione or nome, exc_info=True)
            connection.close()

    def ciclo() -> None:
        if subito and not ferma.is_set():
            un_passo()
        while not ferma.wait(ogni):
            un_passo()
        connection.close()

    filo = threading.Thread(target=ciclo, name=nome, daemon=True)
    filo.start()
    return filo
