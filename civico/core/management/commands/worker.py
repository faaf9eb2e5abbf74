import contextlib
import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand

from civico.core import battito


class Command(BaseCommand):
    help = "Run the background worker (django-tasks, database queue), with its heartbeat for /readyz."

    def handle(self, *args, **opts):
        ferma = threading.Event()
        with contextlib.suppress(Exception):  # the database may still be starting: the thread retries
            battito.pulisci_vecchi()
        filo = battito.avvia(ferma)
        try:
            call_command("db_worker", interval=1, reload=False, verbosity=opts.get("verbosity", 1))
        finally:
            ferma.set()
            filo.join(timeout=5)
