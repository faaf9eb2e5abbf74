"""`civico ruota_chiavi_spid_cie`: rotate every active relying party's core and federation keys
(the old ones stay published for the grace period), or only drop the keys whose grace ended."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand

from civico.accounts import rotazione_chiavi
from civico.accounts.models import RelyingParty


class Command(BaseCommand):
    help = "Ruota le chiavi SPID/CIE (core e federazione) delle relying party attive."

    def add_arguments(self, parser):
        ore = int(rotazione_chiavi.GRAZIA_PREDEFINITA.total_seconds() // 3600)
        parser.add_argument("--grazia-ore", type=int, default=ore)
        parser.add_argument("--solo-ritiro", action="store_true", help="Solo togliere le chiavi uscite.")

    def handle(self, *args, grazia_ore: int, solo_ritiro: bool, **options):
        for rp in RelyingParty.objects.filter(attivo=True):
            if solo_ritiro:
                tolte = rotazione_chiavi.ritira_chiavi_scadute(rp)
                self.stdout.write(f"{rp.client_id}: {len(tolte)} chiavi ritirate")
            else:
                rotazione_chiavi.ruota_chiavi(rp, grazia=timedelta(hours=grazia_ore))
                self.stdout.write(f"{rp.client_id}: chiavi nuove in uso")
