"""`civico controlla_scadenze`: restart expired pauses and tell managers about overdue reports.

Idempotent: run it as often as you like (cron, systemd timer); a report is escalated once per
deadline, and each manager gets at most one overdue summary a day, listing every report escalated
since the previous one.
"""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from civico.segnalazioni import eventi_dominio, solleciti


class Command(BaseCommand):
    help = "Avvisa i responsabili d'ufficio delle segnalazioni che hanno superato la scadenza."

    def add_arguments(self, parser):
        parser.add_argument("--oggi", help="La data di riferimento (AAAA-MM-GG); di norma oggi.")

    def handle(self, *args, oggi: str | None = None, **options):
        try:
            giorno = date.fromisoformat(oggi) if oggi else None
        except ValueError as errore:
            raise CommandError(f"Data non valida: {oggi}") from errore
        esito = solleciti.sollecita_ritardi(giorno)
        self.stdout.write(f"Segnalazioni in ritardo segnalate ai responsabili: {esito.sollecitate}")
        # The escalations are items of the day's summary: emits ritardi_sollecitati, whose handler
        # (comunicazioni.personale) sends it now.
        inviati = sum(eventi_dominio.emetti(eventi_dominio.RITARDI_SOLLECITATI))
        self.stdout.write(f"Riepiloghi dei ritardi inviati: {inviati}")
        if esito.fallite:
            # A non-zero exit makes cron or the timer report it; the next run tries them again.
            raise CommandError(f"E-mail non inviate, da ritentare: {', '.join(esito.fallite)}")
