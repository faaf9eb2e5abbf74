"""Demo only: give every staff account the same, printed TOTP secret, so the demo's backoffice can
be entered with any authenticator app (or `oathtool --totp -b SECRET`)."""

from __future__ import annotations

from base64 import b32encode

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from civico.accounts.models import Utente

# 20 bytes, fixed and public: this is a demo credential, never a real one.
CHIAVE_DEMO_HEX = b"civico-demo-otp-2026".hex()
NOME_DISPOSITIVO = "Demo"


def segreto_demo() -> str:
    return b32encode(bytes.fromhex(CHIAVE_DEMO_HEX)).decode()


class Command(BaseCommand):
    help = "Solo per la demo: un dispositivo TOTP con un segreto fisso per ogni account del personale."

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="*", help="solo questi account (predefinito: tutto il personale)")

    def handle(self, *args, **opts):
        if settings.PRODUCTION:
            raise CommandError("otp_demo è solo per la demo: rifiutato con CIVICO_ENV=production.")
        persone = Utente.objects.filter(incarichi__isnull=False).distinct().order_by("username")
        if opts["username"]:
            persone = persone.filter(username__in=opts["username"])
        nomi = []
        for utente in persone:
            TOTPDevice.objects.filter(user=utente).exclude(name=NOME_DISPOSITIVO).delete()
            TOTPDevice.objects.update_or_create(
                user=utente, name=NOME_DISPOSITIVO, defaults={"key": CHIAVE_DEMO_HEX, "confirmed": True},
            )
            nomi.append(utente.username)
        if not nomi:
            raise CommandError("Nessun account del personale: esegui prima `civico demo`.")
        codice = TOTP(bytes.fromhex(CHIAVE_DEMO_HEX)).token()
        self.stdout.write(self.style.SUCCESS(
            f"Segreto TOTP della demo (uguale per tutti): {segreto_demo()}\n"
            f"Account: {', '.join(nomi)}\n"
            f"Codice valido adesso: {codice:06d} (oppure: oathtool --totp -b {segreto_demo()})"
        ))
