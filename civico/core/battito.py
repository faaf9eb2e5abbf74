"""The worker's heartbeat: one row per worker process, touched every few seconds by a thread.

A thread, not a task: a heartbeat that waits in the same queue it vouches for would say nothing
when the queue is stuck behind a long task.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from civico.core.models import Battito

logger = logging.getLogger(__name__)


def nome_processo() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def batti(nome: str) -> None:
    adesso = timezone.now()
    Battito.objects.update_or_create(nome=nome, defaults={"ultimo": adesso}, create_defaults={
        "ultimo": adesso, "avviato_il": adesso,
    })


def avvia(ferma: threading.Event) -> threading.Thread:
    """Beat until `ferma` is set; a failed beat (database down) is logged and retried."""
    nome = nome_processo()
    intervallo = settings.CIVICO["WORKER_HEARTBEAT_SECONDS"]

    def ciclo() -> None:
        while not ferma.is_set():
            try:
                close_old_connections()
                batti(nome)
            except Exception:
                logger.warning("Battito del worker non registrato", exc_info=True)
                connection.close()
            ferma.wait(intervallo)
        with contextlib.suppress(Exception):  # a clean stop says so: no stale worker in /readyz
            Battito.objects.filter(nome=nome).delete()
        connection.close()

    t = threading.Thread(target=ciclo, name="civico-battito", daemon=True)
    t.start()
    return t


def eta_ultimo_battito() -> float | None:
    """Seconds since the freshest heartbeat of any worker; None if no worker ever beat."""
    ultimo = Battito.objects.order_by("-ultimo").values_list("ultimo", flat=True).first()
    return None if ultimo is None else max(0.0, (timezone.now() - ultimo).total_seconds())


def pulisci_vecchi(giorni: int = 1) -> None:
    """Workers killed without a clean stop leave a row behind; forget them after a day."""
    Battito.objects.filter(ultimo__lt=timezone.now() - timedelta(days=giorni)).delete()
