"""`civico restore ARCHIVIO`: replace the database and add back the media of a backup."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from civico.core.backup import ErroreBackup, leggi_manifest, restore


class Command(BaseCommand):
    help = "Ripristina un archivio di `civico backup`: SOSTITUISCE il database e riscrive i file caricati."

    def add_arguments(self, parser):
        parser.add_argument("archivio")
        parser.add_argument("--database", default="default")
        parser.add_argument("--senza-media", action="store_true")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interattivo")

    def handle(self, *args, **opzioni):
        archivio = Path(opzioni["archivio"])
        try:
            manifest = leggi_manifest(archivio)
            if opzioni["interattivo"]:
                risposta = input(
                    f"Il database «{opzioni['database']}» sarà SOSTITUITO con il backup del {manifest['creato_il']}. "
                    "Scrivi «sì» per continuare: "
                )
                if risposta.strip().lower() not in ("sì", "si", "yes"):
                    raise CommandError("Ripristino annullato.")
            esito = restore(archivio, alias=opzioni["database"], con_media=not opzioni["senza_media"])
        except ErroreBackup as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"Ripristinato il backup del {esito['creato_il']} ({esito['file_media_ripristinati']} file media)."
        ))
