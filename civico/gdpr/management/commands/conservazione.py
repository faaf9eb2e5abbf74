"""`civico conservazione`: anonymise reporters' contact data past each ente's retention period.

Idempotent: run it daily (cron, systemd timer). `--in-coda` enqueues the django-tasks task for
the worker instead of working in this process."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from civico.gdpr import diritti, tasks


class Command(BaseCommand):
    help = "Anonimizza i recapiti dei segnalanti trascorso il periodo di conservazione di ciascun ente."

    def add_arguments(self, parser):
        parser.add_argument("--in-coda", action="store_true", help="Affida il lavoro al worker (django-tasks).")

    def handle(self, *args, in_coda: bool = False, **options):
        if in_coda:
            risultato = tasks.applica_conservazione.enqueue()
            self.stdout.write(f"Conservazione affidata al worker: {risultato.id}")
            return
        self.stdout.write(f"Segnalazioni anonimizzate: {diritti.applica_conservazione()}")
