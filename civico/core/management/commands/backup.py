"""`civico backup [ARCHIVIO]`: database + media in one .tar.gz (see civico.core.backup)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from civico.core.backup import ErroreBackup, backup


class Command(BaseCommand):
    help = "Copia il database e i file caricati in un archivio .tar.gz (ripristinabile con `civico restore`)."

    def add_arguments(self, parser):
        parser.add_argument("archivio", nargs="?", help="Dove scrivere l'archivio (predefinito: var/backup/…).")
        parser.add_argument("--database", default="default")
        parser.add_argument("--senza-media", action="store_true", help="Solo il database.")

    def handle(self, *args, **opzioni):
        archivio = opzioni["archivio"] or Path(settings.VAR_DIR) / "backup" / (
            "civico-" + timezone.now().strftime("%Y%m%d-%H%M%S") + ".tar.gz"
        )
        try:
            esito = backup(Path(archivio), alias=opzioni["database"], con_media=not opzioni["senza_media"])
        except ErroreBackup as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"Backup {esito.motore} scritto in {esito.percorso} ({esito.byte} byte, {esito.file_media} file media)."
        ))
