"""`civico bench seed --reports N --enti M`: the synthetic load the benchmarks run on."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from civico.demo.sintetico import semina


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # a benchmark tool: no need to import every URL first
    help = "Strumenti per i benchmark. `seed`: crea segnalazioni sintetiche realistiche (idempotente)."

    def add_arguments(self, parser):
        azioni = parser.add_subparsers(dest="azione", required=True)
        seed = azioni.add_parser("seed", help="N segnalazioni sintetiche su M enti (COPY su PostgreSQL)")
        seed.add_argument("--reports", type=int, default=1_000_000, help="segnalazioni in tutto (1000000)")
        seed.add_argument("--enti", type=int, default=187, help="quanti enti (187: la provincia di Alessandria)")
        seed.add_argument("--seed", type=int, default=2026, help="seme del generatore (2026)")
        seed.add_argument("--reset", action="store_true", help="rimuove prima le segnalazioni sintetiche")

    def handle(self, *args, **opts):
        if opts["reports"] < 0 or opts["enti"] < 1:
            raise CommandError("Servono --reports ≥ 0 e --enti ≥ 1.")
        try:
            esito = semina.semina(
                opts["reports"], opts["enti"], seme=opts["seed"], reset=opts["reset"],
                progress=lambda riga: print(f"  · {riga}", file=sys.stderr, flush=True),
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if esito.riusato:
            self.stdout.write(f"riusate {esito.esistenti:,} segnalazioni sintetiche su {esito.enti} enti "
                              f"({esito.secondi:.1f} s)")
        else:
            self.stdout.write(self.style.SUCCESS(
                f"create {esito.create:,} segnalazioni e {esito.eventi:,} eventi su {esito.enti} enti in "
                f"{esito.secondi:.1f} s ({esito.create / max(esito.secondi, 1e-9):,.0f} segnalazioni/s)"
            ))
