"""`civico carica_comuni`: every Italian comune as an inactive ente, with its boundary."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from civico.enti.confini import carica_comuni, carica_provincia_alessandria


class Command(BaseCommand):
    help = "Crea (inattivi) tutti i comuni italiani con i loro confini; rieseguirlo è sicuro."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--regione", type=int, action="append", dest="regioni",
            help="Solo questa regione (1..20, numerazione ISTAT); ripetibile.",
        )
        parser.add_argument(
            "--provincia-alessandria", action="store_true",
            help="Solo i 187 comuni della Provincia di Alessandria.",
        )

    def handle(self, *args, regioni=None, provincia_alessandria=False, **options) -> None:
        if provincia_alessandria:
            esito = carica_provincia_alessandria(self.stdout.write)
        else:
            esito = carica_comuni(self.stdout.write, regioni=regioni)
        for voce in esito["saltati"]:
            self.stderr.write(f"Saltato: {voce}")
        if esito["senza_confine"]:
            self.stdout.write("Senza confine: " + ", ".join(esito["senza_confine"]))
        self.stdout.write(self.style.SUCCESS(
            f"{esito['creati']} creati, {esito['aggiornati']} confini aggiornati, "
            f"{esito['invariati']} invariati in {esito['secondi']} s"
        ))
