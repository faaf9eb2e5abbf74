"""Issue an Open311 api_key to a client application (the key is printed once, stored hashed)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from civico.accounts.chiavi import crea_applicazione
from civico.enti.models import Ente


class Command(BaseCommand):
    help = "Crea un'applicazione client Open311 e ne stampa la chiave API (una sola volta)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("nome", help="nome dell'applicazione")
        parser.add_argument("--contatto", default="", help="e-mail dello sviluppatore")
        parser.add_argument("--ente", default="", help="codice ISTAT: la chiave varrà solo per quel comune")
        parser.add_argument("--limite", type=int, default=60, help="invii al minuto")

    def handle(self, *args, nome: str, contatto: str, ente: str, limite: int, **options) -> None:
        trovato = None
        if ente:
            trovato = Ente.objects.filter(codice_istat=ente).defer("confine").first()
            if trovato is None:
                raise CommandError(f"Nessun comune con codice ISTAT {ente}.")
        app, chiave = crea_applicazione(nome, ente=trovato, contatto=contatto, limite_al_minuto=limite)
        self.stdout.write(f"Applicazione «{app.nome}» creata. api_key (conservala, non sarà più mostrata):")
        self.stdout.write(chiave)
