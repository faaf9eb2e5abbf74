"""`civico aggiorna_idp_spid --da <file-or-url> [--tipo spid|cie]`: refresh the registry of SAML
identity providers from their metadata (AgID's SPID list, or CIE's IdP metadata)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from civico.accounts import saml_idp
from civico.core import rete


class Command(BaseCommand):
    help = "Aggiorna l'elenco degli IdP SAML (SPID, CIE) dai loro metadata."

    def add_arguments(self, parser):
        parser.add_argument("--da", required=True, help="file o URL https dei metadata")
        parser.add_argument("--tipo", choices=saml_idp.TIPI, default="spid")

    def handle(self, *args, da, tipo, **options):
        if da.startswith(("https://", "http://")):
            risposta = rete.richiesta("GET", da, timeout=30)
            if risposta.status_code != 200:
                raise CommandError(f"{da}: HTTP {risposta.status_code}")
            xml = risposta.content
        else:
            xml = Path(da).read_bytes()
        try:
            trovati = saml_idp.da_metadata(xml, tipo)
        except Exception as exc:  # a broken document: say what, change nothing
            raise CommandError(f"metadata non leggibili: {exc}") from None
        if not trovati:
            raise CommandError("nessun IdP nei metadata: registro non modificato")
        file = saml_idp.aggiorna(trovati, tipo, fonte=da)
        self.stdout.write(f"{len(trovati)} IdP {tipo.upper()} in {file}")
