"""`civico segna_pregresso [SIGLA…]`: mark the inherited backlog of data imported before.

The importers do it after each import; this is for reports imported earlier, or after a comune
changed its chosen age. Idempotent: a second run marks nothing new.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from civico.enti.models import Ente
from civico.segnalazioni import pregresso


class Command(BaseCommand):
    help = "Segna come arretrato ereditato le segnalazioni importate ancora aperte e più vecchie dell'età scelta."

    def add_arguments(self, parser):
        parser.add_argument("sigle", nargs="*", help="Le sigle dei comuni (di norma tutti quelli attivi).")

    def handle(self, *args, sigle: list[str], **options):
        enti = Ente.objects.filter(sigla__in=[s.upper() for s in sigle]) if sigle else Ente.objects.filter(attivo=True)
        trovati = list(enti.order_by("nome"))
        if sigle and len(trovati) != len(set(sigle)):
            mancanti = sorted({s.upper() for s in sigle} - {e.sigla for e in trovati})
            raise CommandError(f"Comuni non trovati: {', '.join(mancanti)}")
        for ente in trovati:
            n = pregresso.segna(ente)
            self.stdout.write(f"{ente.nome}: {n} segnalazioni segnate come arretrato ereditato "
                              f"(aperte da più di {ente.pregresso_giorni} giorni)")
