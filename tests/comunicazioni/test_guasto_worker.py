"""The fault test of delivery: `kill -9` of the real worker in the middle of an emergency avviso
to 501 subscribers, on PostgreSQL, counted at a real SMTP server.

Nothing may be lost, at most the message that was on the wire may arrive twice, everything must
arrive within 60 s of the worker's return (with the production lease and sweeper settings), and
/metrics must never hide what has not been delivered."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection

from civico.accounts.models import Ruolo
from civico.comunicazioni import avvisi
from civico.comunicazioni.models import Allerta, Notifica, StatoNotifica
from tests import factories
from tests.comunicazioni.server import ServerSmtp, _Raccoglitore

RADICE = Path(__file__).resolve().parents[2]
ISCRITTI = 501


class _Lento(_Raccoglitore):
    """A server that takes its time per message, like a real relay: the kill lands mid-batch."""

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.01)
        return await super().handle_DATA(server, session, envelope)


class Worker:
    """`civico worker` as a real process on this test's database."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self._log = log.open("ab")
        self.processo = subprocess.Popen([sys.executable, "-m", "civico.cli", "worker"], env=env, cwd=RADICE,
                                         stdout=self._log, stderr=subprocess.STDOUT)

    def uccidi(self) -> None:
        self.processo.send_signal(signal.SIGKILL)
        self.processo.wait()

    def ferma(self) -> None:
        if self.processo.poll() is None:
            self.processo.terminate()
            try:
                self.processo.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.processo.kill()
                self.processo.wait()
        self._log.close()


def _url_database() -> str:
    d = connection.settings_dict
    return f"postgresql://{d['USER'] or 'postgres'}@{d['HOST'] or '127.0.0.1'}:{d['PORT'] or 5432}/{d['NAME']}"


def _metriche(client) -> dict[str, float]:
    testo = client.get("/metrics").content.decode()
    return {m.group(1): float(m.group(2)) for m in re.finditer(r"^(civico_outbox_\w+) (\S+)$", testo, re.M)}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the fault test runs on PostgreSQL")
def test_kill_9_mid_batch_loses_nothing_repeats_at_most_one_and_resumes_within_60_s(
    alessandria_tx, coda_db, client, tmp_path,
):
    smtp = ServerSmtp()
    smtp.raccoglitore = _Lento()
    smtp.avvia()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVICO_COMUNICAZIONI")}
    env.update(DATABASE_URL=_url_database(), CIVICO_TASKS_BACKEND="django_tasks_db.DatabaseBackend",
               EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(smtp.porta), CIVICO_VAR_DIR=str(tmp_path / "var"),
               LOG_LEVEL="WARNING")
    comune = factories.staff("urp-al", Ruolo.ENTE_ADMIN, alessandria_tx)
    Allerta.objects.bulk_create([Allerta(ente=alessandria_tx, email=f"iscritto{i}@example.org")
                                 for i in range(ISCRITTI)])
    avvisi.pubblica(alessandria_tx, comune, titolo="Esondazione del Tanaro", testo="Salite ai piani alti",
                    tipo="emergenza")
    assert Notifica.objects.filter(motivo="avviso", stato=StatoNotifica.IN_ATTESA).count() == ISCRITTI

    campioni: list[tuple[dict[str, float], int]] = []

    def unici() -> int:
        return len({m["Message-ID"] for m in list(smtp.messaggi)})

    def campiona() -> None:
        metriche = _metriche(client)
        campioni.append((metriche, unici()))  # read after the metrics: delivery only grows

    def attendi(condizione, secondi: float) -> None:
        fine = time.monotonic() + secondi
        while not condizione() and time.monotonic() < fine:
            campiona()
            time.sleep(0.3)

    worker = Worker(env, tmp_path / "worker.log")
    try:
        attendi(lambda: len(smtp.messaggi) >= 150, 90)
        assert len(smtp.messaggi) >= 150, (tmp_path / "worker.log").read_text()
        worker.uccidi()  # mid-batch: the second block of 100 is being sent
        morto_a = unici()
        time.sleep(1)
        campiona()
        ultimo, _ = campioni[-1]
        assert ultimo["civico_outbox_in_flight"] >= 1  # the dead worker's rows are shown, not hidden
        assert morto_a < ISCRITTI

        worker = Worker(env, tmp_path / "worker.log")
        ripartito = time.monotonic()
        attendi(lambda: unici() >= ISCRITTI, 75)
        tutti_dopo = time.monotonic() - ripartito
    finally:
        worker.ferma()
        smtp.ferma()

    ids = Counter(m["Message-ID"] for m in smtp.messaggi)
    assert len(ids) == ISCRITTI, f"{ISCRITTI - len(ids)} lost"
    assert sum(n - 1 for n in ids.values()) <= 1, f"duplicates: {[i for i, n in ids.items() if n > 1]}"
    assert tutti_dopo <= 60, f"the last message arrived {tutti_dopo:.0f} s after the restart"
    assert Notifica.objects.filter(motivo="avviso", stato=StatoNotifica.INVIATA).count() == ISCRITTI
    for metriche, consegnati in campioni:  # never "backlog 0" while messages were still to deliver
        assert metriche["civico_outbox_backlog"] + metriche["civico_outbox_in_flight"] >= ISCRITTI - consegnati, (
            metriche, consegnati)
    finale = _metriche(client)
    assert finale["civico_outbox_backlog"] == finale["civico_outbox_in_flight"] == finale["civico_outbox_stuck"] == 0
