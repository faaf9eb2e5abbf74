"""`civico aggiorna_cruscotti`: recompute the dashboards' default views (run it hourly).

With `--in-coda` the work is queued for the worker (django-tasks) instead of done here.
With `--ricostruisci-aggregati` the aggregates every dashboard reads (civico.analisi.aggregati)
are first recounted from the raw reports: after a restore from an old dump or a TIME_ZONE change.
The database triggers keep them exact otherwise, whatever writes the reports.
"""

from django.core.management.base import BaseCommand

from civico.analisi import aggregati
from civico.analisi.istantanee import aggiorna_tutte
from civico.analisi.tasks import aggiorna_cruscotti


class Command(BaseCommand):
    help = "Ricalcola i cruscotti pubblici predefiniti di ogni comune attivo e della piattaforma."

    def add_arguments(self, parser):
        parser.add_argument("--in-coda", action="store_true", help="Affida il lavoro al worker.")
        parser.add_argument(
            "--ricostruisci-aggregati", action="store_true",
            help="Ricontare prima gli aggregati dei cruscotti dalle segnalazioni (e reinstallare i trigger).",
        )

    def handle(self, *args, **opzioni):
        if opzioni["ricostruisci_aggregati"]:
            aggregati.installa(ricostruendo=False)
            ricevute, risolte = aggregati.ricostruisci()
            self.stdout.write(f"Aggregati ricostruiti: {ricevute} righe di ricevute, {risolte} di risolte.")
        if opzioni["in_coda"]:
            aggiorna_cruscotti.enqueue()
            self.stdout.write("Aggiornamento dei cruscotti messo in coda.")
            return
        self.stdout.write(f"{aggiorna_tutte()} cruscotti aggiornati.")
