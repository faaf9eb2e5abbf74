"""Look for likely duplicate pairs among a comune's open reports (after an import, or once for the
reports that arrived before the search existed); new reports are searched as they arrive."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from civico.backoffice.coda_duplicati import cerca_in_ente
from civico.enti.models import Ente
from civico.triage.duplicati import FINESTRA_GIORNI


class Command(BaseCommand):
    help = "Cerca le coppie di probabili duplicati tra le segnalazioni aperte recenti di un comune (o di tutti)."

    def add_arguments(self, parser):
        parser.add_argument("--ente", help="codice ISTAT o sigla del comune (predefinito: tutti quelli attivi)")
        parser.add_argument("--giorni", type=int, default=FINESTRA_GIORNI,
                            help=f"segnalazioni create negli ultimi N giorni (predefinito {FINESTRA_GIORNI})")

    def handle(self, *args, **opts):
        enti = Ente.objects.filter(attivo=True).defer("confine")
        if opts["ente"]:
            enti = enti.filter(Q(codice_istat=opts["ente"]) | Q(sigla__iexact=opts["ente"]))
            if not enti.exists():
                raise CommandError(f"Nessun comune attivo «{opts['ente']}».")
        for ente in enti:
            n = cerca_in_ente(ente, giorni=max(1, opts["giorni"]))
            self.stdout.write(f"{ente.nome}: {n} segnalazioni confrontate con le vicine")
