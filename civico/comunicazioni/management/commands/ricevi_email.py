"""`civico ricevi_email --port 2525`: the inbound SMTP listener (see docs/decisions/0007)."""

import signal
import threading

from django.core.management.base import BaseCommand

from civico.comunicazioni.inbound import smtp


class Command(BaseCommand):
    help = "Riceve le e-mail dei cittadini (server SMTP) e le trasforma in segnalazioni o messaggi."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=2525)

    def handle(self, *args, host: str, port: int, **opts):
        fermati = threading.Event()
        for segnale in (signal.SIGINT, signal.SIGTERM):
            signal.signal(segnale, lambda *_: fermati.set())
        controller = smtp.avvia(host, port)
        self.stdout.write(f"In ascolto su {host}:{port} (SMTP)")
        try:
            fermati.wait()
        finally:
            controller.stop()
