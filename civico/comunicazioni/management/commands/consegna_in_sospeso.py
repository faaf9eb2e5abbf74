"""`civico consegna_in_sospeso`: one pass of the outbox sweeper, by hand (or looping with
`--ogni`). Not needed in a deployment: every `civico worker` runs the sweeper itself."""

import time

from django.core.management.base import BaseCommand

from civico.comunicazioni.consegna import in_sospeso


class Command(BaseCommand):
    help = "Rimette in coda le notifiche in attesa il cui momento è arrivato (e quelle rimaste a metà invio)."

    def add_arguments(self, parser):
        parser.add_argument("--ogni", type=float, default=0, help="ripeti ogni N secondi (0: una volta)")
        parser.add_argument("--grazia", type=float, default=None, help="secondi di tolleranza (predefinito: 120)")

    def handle(self, *args, ogni: float, grazia: float | None, **opts):
        while True:
            n = in_sospeso(grazia=grazia)
            if opts.get("verbosity", 1) > 0:
                self.stdout.write(f"{n} notifiche rimesse in coda")
            if not ogni:
                return
            time.sleep(ogni)
