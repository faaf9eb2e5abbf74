"""Benchmark of the notification outbox: a bulk resolution that notifies 10,000 followers by
e-mail, delivered by real workers (database queue) to a local SMTP server.

Measures the time to resolve (outbox rows written inside each transition), the time from the
first state change to the first e-mail received, and the delivery throughput. Run:
    .venv/bin/python bench/bench_notifiche.py [--segnalazioni 200 --seguaci 50 --worker 1]
With DATABASE_URL=postgresql://… it runs on PostgreSQL (use a database of its own: it is
created from scratch); otherwise on a temporary SQLite file.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

RADICE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RADICE))


def prepara_ambiente(cartella: str, porta_smtp: int) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", f"sqlite:///{cartella}/bench.sqlite3")
    env.update(
        DJANGO_SETTINGS_MODULE="civico.settings", CIVICO_VAR_DIR=cartella,
        CIVICO_TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(porta_smtp), LOG_LEVEL="WARNING", CIVICO_DEBUG="0", PYTHONPATH=str(RADICE),
        # The worker checks its connection after every task: with CONN_MAX_AGE=0 it closes and
        # reopens it each time (on SQLite a WAL checkpoint, ~13 ms). Keep it open, as a worker should.
        CONN_MAX_AGE=os.environ.get("CONN_MAX_AGE", "600"),
    )
    os.environ.update(env)
    return env


class Contatore:
    """The SMTP server's handler: counts messages and notes when the first and last arrive."""

    def __init__(self) -> None:
        self.n = 0
        self.primo: float | None = None
        self.ultimo: float | None = None
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.n += 1
            self.ultimo = time.monotonic()
            self.primo = self.primo or self.ultimo
        return "250 OK"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--segnalazioni", type=int, default=200)
    parser.add_argument("--seguaci", type=int, default=50, help="e-mail followers per report")
    parser.add_argument("--worker", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args()

    import logging
    import socket

    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        porta = s.getsockname()[1]
    cartella = tempfile.mkdtemp(prefix="bench-notifiche-")
    env = prepara_ambiente(cartella, porta)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0) if _tabelle(connection) else None
    call_command("migrate", verbosity=0)

    from civico.accounts.permissions import Attore
    from civico.comunicazioni.models import Iscrizione, Notifica, StatoNotifica
    from civico.demo.loader import crea_catalogo
    from civico.enti.confini import carica_provincia_alessandria
    from civico.enti.models import Ente
    from civico.segnalazioni import intake, workflow
    from civico.territorio.importer import importa_stradario

    print("Preparazione: comuni della provincia, stradario e catalogo di Alessandria…", flush=True)
    carica_provincia_alessandria()
    ente = Ente.objects.get(codice_istat="006003")
    ente.attivo, ente.sigla, ente.email = True, "AL", "urp@al.example.org"
    ente.save()
    importa_stradario(ente)
    crea_catalogo(ente, completo=True)
    from civico.accounts.models import Incarico, Ruolo, Utente

    op = Utente.objects.create_user("op-bench")
    Incarico.objects.create(utente=op, ruolo=Ruolo.OPERATORE, ente=ente)
    attore = Attore.staff(op)

    print(f"Creo {args.segnalazioni} segnalazioni con {args.seguaci} seguaci ciascuna…", flush=True)
    segnalazioni = []
    for i in range(args.segnalazioni):
        dati = intake.NuovaSegnalazione(
            lat=44.913256, lon=8.615123, titolo=f"Buca numero {i}", categoria="buche",
            risposte={"dimensione": "grande"}, ente=ente,
        )
        s = intake.submit(dati, attore=attore).segnalazione
        workflow.transition(s, "take_in_charge", attore)
        segnalazioni.append(s)
    Iscrizione.objects.bulk_create([
        Iscrizione(segnalazione=s, email=f"seguace{j}.{s.pk}@example.org")
        for s in segnalazioni for j in range(args.seguaci)
    ])
    Notifica.objects.all().delete()
    attese = args.segnalazioni * args.seguaci

    contatore = Contatore()
    server = Controller(contatore, hostname="127.0.0.1", port=porta)
    server.start()
    worker = [
        subprocess.Popen(
            [sys.executable, "-m", "civico.cli", "db_worker", "--interval", "0.05", "--no-startup-delay",
             "--no-reload", "--verbosity", "0"], env=env,
        )
        for _ in range(args.worker)
    ]
    try:
        # Wait until the workers are up and polling, as in production (booting Django takes
        # seconds on a loaded machine: that is not the latency we measure).
        from django_tasks_db.models import DBTaskResult

        from civico.comunicazioni.tasks import consegna_lotto

        for _ in range(args.worker):
            consegna_lotto.enqueue([])
        while DBTaskResult.objects.exclude(status="SUCCESSFUL").exists():
            time.sleep(0.1)
        DBTaskResult.objects.all().delete()
        print(f"Risolvo {args.segnalazioni} segnalazioni ({attese} notifiche)…", flush=True)
        inizio, cpu_inizio = time.monotonic(), time.process_time()
        for s in segnalazioni:
            workflow.transition(s, "resolve", attore)
        risolte, cpu_risoluzione = time.monotonic(), time.process_time() - cpu_inizio
        while contatore.n < attese and time.monotonic() - inizio < args.timeout:
            time.sleep(0.2)
        fine = contatore.ultimo or time.monotonic()
    finally:
        for w in worker:
            w.terminate()
        for w in worker:
            w.wait(timeout=30)
        server.stop()

    figli = resource.getrusage(resource.RUSAGE_CHILDREN)  # the workers, once waited for
    cpu_worker = figli.ru_utime + figli.ru_stime
    stati = dict(Notifica.objects.values_list("stato").annotate(n=django.db.models.Count("id")))
    print(f"\nDatabase: {connection.vendor}; worker: {args.worker}")
    print(f"notifiche scritte:            {Notifica.objects.count()} (inviate {stati.get(StatoNotifica.INVIATA, 0)})")
    print(f"e-mail ricevute dal server:   {contatore.n} di {attese}")
    print(f"risoluzione (outbox incluso): {risolte - inizio:.2f} s "
          f"({(risolte - inizio) / args.segnalazioni * 1000:.1f} ms per segnalazione; CPU {cpu_risoluzione:.1f} s)")
    if contatore.primo:
        print(f"dal primo cambio di stato alla prima e-mail: {(contatore.primo - inizio) * 1000:.0f} ms")
        print(f"consegna: {contatore.n / (fine - inizio):.0f} e-mail/s dal primo cambio di stato "
              f"({fine - inizio:.1f} s in tutto)")
    if cpu_worker:
        print(f"CPU dei worker: {cpu_worker:.1f} s → {contatore.n / cpu_worker:.0f} e-mail per secondo di CPU "
              f"(il limite su una macchina scarica, per worker)")
    if contatore.n != attese or stati.get(StatoNotifica.INVIATA, 0) != attese:
        sys.exit("ATTENZIONE: non tutte le notifiche sono state consegnate (o qualcuna due volte)")


def _tabelle(connection) -> bool:
    return "comunicazioni_notifica" in connection.introspection.table_names()


if __name__ == "__main__":
    main()
