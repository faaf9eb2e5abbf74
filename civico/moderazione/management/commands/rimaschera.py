"""`civico rimaschera`: pass every stored report's public text through the masking gate again.

The migration `moderazione 0002` does it once on upgrade; run it again after making the gate
stricter (new patterns, `CIVICO["MODERAZIONE_PAROLE_EXTRA"]`)."""

from django.core.management.base import BaseCommand

from civico.moderazione.cancello import maschera_esistenti
from civico.moderazione.models import TestoOriginale
from civico.segnalazioni.models import Segnalazione


class Command(BaseCommand):
    help = "Maschera di nuovo il testo pubblico delle segnalazioni già salvate (idempotente)."

    def handle(self, *args, **options) -> None:
        cambiate = maschera_esistenti(Segnalazione.objects.all(), TestoOriginale.objects.all())
        self.stdout.write(f"{cambiate} segnalazioni mascherate di nuovo.")
