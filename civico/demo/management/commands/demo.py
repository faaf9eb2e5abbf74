from django.core.management.base import BaseCommand

from civico.demo import loader


class Command(BaseCommand):
    help = "Carica i dati dimostrativi (idempotente): comuni d'Italia, tre comuni attivi, segnalazioni."

    def add_arguments(self, parser):
        parser.add_argument("--segnalazioni", type=int, default=300, help="per Alessandria")
        parser.add_argument("--senza-storico", action="store_true",
                            help="non importare lo storico Municipium 2023–2024 di Alessandria")

    def handle(self, *args, **opts):
        riepilogo = loader.carica_demo(
            segnalazioni_alessandria=opts["segnalazioni"],
            progress=lambda riga: self.stdout.write(f"  · {riga}"),
            storico=not opts["senza_storico"],
        )
        self.stdout.write(self.style.SUCCESS(loader.testo_riepilogo(riepilogo)))
