"""`civico aggiorna_cruscotti`: recompute the dashboards' default views (run it hourly).

With `--in-coda` the work is queued for the worker (django-tasks) instead of done here.
"""

from django.core.management.base import BaseCommand

from civico.analisi.istantanee import aggiorna_tutte
from civico.analisi.tasks import aggiorna_cruscotti


class Command(BaseCommand):
    help = "Ricalcola i cruscotti pubblici predefiniti di ogni comune attivo e della piattaforma."

    def add_arguments(self, parser):
        parser.add_argument("--in-coda", action="store_true", help="Affida il lavoro al worker.")

    def handle(self, *args, **opzioni):
        if opzioni["in_coda"]:
            aggiorna_cruscotti.enqueue()
            self.stdout.write("Aggiornamento dei cruscotti messo in coda.")
            return
        self.stdout.write(f"{aggiorna_tutte()} cruscotti aggiornati.")
