"""`civico worker`: the django-tasks database worker, with the threads that vouch for it.

Besides the queue, the process runs its heartbeat (for /readyz) and the threads the apps
register in core.estensioni (comunicazioni: the outbox sweeper, for rows of a killed worker and
rows whose task was lost, and the staff's daily work digest): a deployment runs workers and no
cron for them.
SIGTERM drains: the current task finishes, then the process exits. Started by `civico run`, the
process also goes if its parent is killed (see `civico.core.processi`).
"""

import contextlib
import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand

from civico.core import battito, estensioni


class Command(BaseCommand):
    help = "Run the background worker (django-tasks, database queue), with its heartbeat and outbox sweeper."

    def handle(self, *args, **opts):
        ferma = threading.Event()
        with contextlib.suppress(Exception):  # the database may still be starting: the thread retries
            battito.pulisci_vecchi()
        fili = [battito.avvia(ferma), *(avvia(ferma) for avvia in estensioni.fili())]
        try:
            call_command("db_worker", interval=1, reload=False, verbosity=opts.get("verbosity", 1))
        finally:
            ferma.set()
            for filo in fili:
                filo.join(timeout=5)
