"""`civico invia_riepiloghi`: the daily digests (run once a day): the area alerts' for citizens,
and the staff's work digest (comunicazioni.personale). Idempotent per person per day."""

from django.core.management.base import BaseCommand

from civico.comunicazioni import personale
from civico.comunicazioni.allerte import invia_riepiloghi


class Command(BaseCommand):
    help = "Invia il riepilogo giornaliero a chi segue una zona e al personale che lo ha scelto."

    def handle(self, *args, **opts):
        self.stdout.write(f"{invia_riepiloghi()} riepiloghi preparati")
        self.stdout.write(f"{personale.invia_riepiloghi()} riepiloghi di lavoro preparati")
