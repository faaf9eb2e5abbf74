"""`civico genera_chiavi_identita <ente>` (or `--piattaforma`): the private keys (JWKS) of a
relying party for SPID/CIE with OpenID Connect. The page of the back office only shows their
public side; this prints the kid and the thumbprint of each, never the private key."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from civico.accounts import identita_ente
from civico.accounts.models import RelyingParty
from civico.errors import Conflict


class Command(BaseCommand):
    help = "Genera le chiavi private (JWKS) del relying party SPID/CIE di un ente o della piattaforma."

    def add_arguments(self, parser):
        parser.add_argument("ente", nargs="?", help="Lo slug del comune (ad esempio alessandria).")
        parser.add_argument("--piattaforma", action="store_true",
                            help="Le chiavi del relying party della piattaforma (aggregatore), non di un comune.")
        parser.add_argument("--sostituisci", action="store_true",
                            help="Sostituisci le chiavi esistenti (i gestori di identità devono rileggere il JWKS).")

    def handle(self, *args, ente: str | None = None, piattaforma: bool = False, sostituisci: bool = False, **options):
        if bool(ente) == piattaforma:
            raise CommandError("Indica lo slug di un comune oppure --piattaforma.")
        rp = (RelyingParty.objects.filter(ente__isnull=True) if piattaforma
              else RelyingParty.objects.filter(ente__slug=ente)).first()
        if rp is None:
            raise CommandError(
                "Nessun relying party: configuralo prima (identificativo e dati dell'ente) nel back office, "
                "in Configurazione → Identità digitale." if ente else
                "Nessun relying party della piattaforma: crealo prima nell'amministrazione.")
        try:
            nuove = identita_ente.genera_chiavi(rp, sostituisci=sostituisci)
        except Conflict as errore:
            raise CommandError(str(errore)) from errore
        self.stdout.write(f"Chiavi generate per {rp.client_id}:")
        for chiave in nuove:
            self.stdout.write(f"  {chiave.uso} {chiave.algoritmo} kid={chiave.kid} impronta SHA-256={chiave.impronta}")
