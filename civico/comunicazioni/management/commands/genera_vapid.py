"""`civico genera_vapid`: a new VAPID key pair for Web Push.

Prints the environment lines to paste in production; `--var` writes var/vapid.json instead (the
demo's keys, like var/secret_key), keeping an existing file unless `--sovrascrivi`."""

import json

from django.conf import settings
from django.core.management.base import BaseCommand

from civico.comunicazioni.abbonamenti import genera_chiavi
from civico.comunicazioni.impostazioni import file_vapid


class Command(BaseCommand):
    help = "Genera una coppia di chiavi VAPID per le notifiche push."

    def add_arguments(self, parser):
        parser.add_argument("--var", action="store_true", help="scrivi le chiavi in var/vapid.json")
        parser.add_argument("--sovrascrivi", action="store_true", help="sostituisci un var/vapid.json esistente")
        parser.add_argument("--soggetto", default="", help="mailto: o https: di chi gestisce il servizio")

    def handle(self, *args, var: bool, sovrascrivi: bool, soggetto: str, **opts):
        soggetto = soggetto or f"mailto:{settings.DEFAULT_FROM_EMAIL.rpartition('<')[2].strip('>')}"
        percorso = file_vapid()
        if var and percorso.exists() and not sovrascrivi:
            self.stdout.write(f"Chiavi VAPID già presenti in {percorso}")
            return
        privata, pubblica = genera_chiavi()
        if var:
            percorso.parent.mkdir(parents=True, exist_ok=True)
            percorso.write_text(json.dumps({"VAPID_PRIVATE_KEY": privata, "VAPID_PUBLIC_KEY": pubblica,
                                            "VAPID_SUBJECT": soggetto}, indent=2), encoding="utf-8")
            percorso.chmod(0o600)
            self.stdout.write(f"Chiavi VAPID scritte in {percorso}")
            return
        self.stdout.write(f"CIVICO_VAPID_PRIVATE_KEY={privata}\nCIVICO_VAPID_PUBLIC_KEY={pubblica}\n"
                          f"CIVICO_VAPID_SUBJECT={soggetto}")
