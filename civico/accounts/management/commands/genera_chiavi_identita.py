"""`civico genera_chiavi_identita [--ente SLUG] [--rinnova]`: the SAML2 key and certificate of the
ente's relying party (no --ente: the national portal's). Prints only the certificate fingerprint."""

from django.core.management.base import BaseCommand, CommandError

from civico.accounts import saml_chiavi
from civico.accounts.models import RelyingParty


class Command(BaseCommand):
    help = "Genera la chiave e il certificato SAML (SPID/CIE) della relying party di un ente."

    def add_arguments(self, parser):
        parser.add_argument("--ente", help="slug dell'ente (assente: il portale nazionale)")
        parser.add_argument("--rinnova", action="store_true", help="sostituisce una chiave esistente")

    def handle(self, *args, ente=None, rinnova=False, **options):
        qs = RelyingParty.objects.select_related("ente")
        rp = qs.filter(ente__slug=ente).first() if ente else qs.filter(ente__isnull=True).first()
        if rp is None:
            raise CommandError(f"Nessuna relying party per {ente or 'il portale nazionale'}.")
        if rp.saml_certificato and not rinnova:
            raise CommandError(
                "La relying party ha già un certificato SAML (impronta "
                f"{saml_chiavi.impronta(rp)}): usa --rinnova per sostituirlo."
            )
        self.stdout.write(f"SHA256 {saml_chiavi.genera(rp)}")
