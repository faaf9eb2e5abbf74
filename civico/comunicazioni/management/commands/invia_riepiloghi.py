"""`civico invia_riepiloghi`: the daily digests of the area alerts (run once a day)."""

from django.core.management.base import BaseCommand

from civico.comunicazioni.allerte import invia_riepiloghi


class Command(BaseCommand):
    help = "Invia il riepilogo giornaliero a chi segue una zona."

    def handle(self, *args, **opts):
        self.stdout.write(f"{invia_riepiloghi()} riepiloghi preparati")
