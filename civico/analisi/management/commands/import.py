"""`civico import municipium FILE --ente 006003` and `civico import csv FILE --ente CODE --mappa MAP`."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from civico.analisi.importazione import mappatura, motore
from civico.analisi.importazione.municipium import MUNICIPIUM
from civico.analisi.importazione.progresso import Barra
from civico.enti.models import Ente
from civico.formati.tabella_csv import ErroreFile


class Command(BaseCommand):
    help = ("Importa lo storico delle segnalazioni da un'altra piattaforma: «municipium» (esportazione CSV "
            "di Municipium) o «csv» (qualsiasi CSV, con un file di mappatura delle colonne). Reimportare lo "
            "stesso file non crea doppioni: aggiorna ciò che è cambiato.")

    def add_arguments(self, parser):
        sotto = parser.add_subparsers(dest="formato", required=True, metavar="{municipium,csv}")
        municipium = sotto.add_parser("municipium", help="esportazione CSV di Municipium")
        generico = sotto.add_parser("csv", help="CSV di un'altra piattaforma, con --mappa")
        generico.add_argument("--mappa", required=True, help="file di mappatura .json o .toml (docs/import.md)")
        for p in (municipium, generico):
            p.add_argument("file", help="il file CSV (anche .csv.gz)")
            p.add_argument("--ente", required=True, help="codice ISTAT del comune (es. 006003), o il suo slug")
            p.add_argument("--separatore", help="separatore delle colonne, se diverso da quello atteso")
            p.add_argument("--codifica", help="codifica del file (predefinita: automatica, UTF-8 o cp1252)")
            p.add_argument("--prova", action="store_true", help="controlla e conta, senza scrivere nulla")

    def handle(self, *args, **opts):
        ente = Ente.objects.filter(Q(codice_istat=opts["ente"]) | Q(slug=opts["ente"])).first()
        if ente is None:
            raise CommandError(f"Nessun comune con codice ISTAT o slug «{opts['ente']}».")
        separatore = opts.get("separatore")
        if separatore in ("\\t", "tab"):
            separatore = "\t"
        try:
            m = MUNICIPIUM if opts["formato"] == "municipium" else mappatura.carica(opts["mappa"])
            riepilogo = motore.importa(
                opts["file"], ente, m, progresso=Barra(self.stderr._out, etichetta="Importazione "),
                prova=opts["prova"], separatore=separatore, codifica=opts.get("codifica"),
            )
        except ErroreFile as errore:
            raise CommandError(str(errore)) from errore
        self.stdout.write(riepilogo.testo())
