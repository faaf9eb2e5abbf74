"""`civico importa_territorio 006003`: an ente's stradario and trees from the shipped data.

Here, not in `territorio`, because the trees fill the asset layer (civico.patrimonio.alberi)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from civico.enti.models import Ente
from civico.patrimonio.alberi import importa_alberi
from civico.territorio.importer import importa_stradario


class Command(BaseCommand):
    help = "Importa stradario (vie e numeri civici) e alberi di un ente; rieseguirlo è sicuro."

    def add_arguments(self, parser) -> None:
        parser.add_argument("ente", help="Codice ISTAT o slug dell'ente, es. 006003.")
        parser.add_argument("--solo", choices=["stradario", "alberi"], help="Solo questo strato.")

    def handle(self, *args, ente: str, solo: str | None = None, **options) -> None:
        trovato = Ente.objects.filter(Q(codice_istat=ente) | Q(slug=ente)).first()
        if trovato is None:
            raise CommandError(f"Nessun ente con codice ISTAT o slug «{ente}».")
        try:
            if solo in (None, "stradario"):
                importa_stradario(trovato, progress=self.stdout.write)
            if solo in (None, "alberi"):
                importa_alberi(trovato, progress=self.stdout.write)
        except FileNotFoundError as e:
            raise CommandError(str(e)) from e
        self.stdout.write(self.style.SUCCESS("Fatto."))
