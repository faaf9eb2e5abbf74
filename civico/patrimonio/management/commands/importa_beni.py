"""`civico importa_beni FILE --ente 006003 --tipo lampioni --licenza "CC BY 4.0" …`"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from civico.enti.riferimento import trova_ente
from civico.errors import DomainError, InvalidData
from civico.formati.tabella_csv import ErroreFile
from civico.patrimonio import importa, servizi


class _Prova(Exception):
    """Rolls back a --prova run after counting."""


class Command(BaseCommand):
    help = ("Importa uno strato di beni (alberi, lampioni, cestini…) da un CSV (colonne id, lat, lon; le "
            "altre diventano attributi) o da un GeoJSON di punti. Reimportare aggiorna per identificativo.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="il file .csv, .geojson (anche .gz)")
        parser.add_argument("--ente", required=True, help="codice ISTAT del comune (es. 006003), o il suo slug")
        parser.add_argument("--tipo", required=True, help="codice del tipo di bene, es. lampioni")
        parser.add_argument("--nome", help="nome al singolare, es. Lampione (obbligatorio per un tipo nuovo)")
        parser.add_argument("--nome-en", help="il nome in inglese, es. Street lamp")
        parser.add_argument("--fonte", help="chi pubblica i dati (obbligatorio per un tipo nuovo)")
        parser.add_argument("--licenza", help="licenza dei dati, es. CC BY 4.0 (obbligatoria per un tipo nuovo)")
        parser.add_argument("--attribuzione", help="testo di attribuzione richiesto dalla licenza")
        parser.add_argument("--attributo-descrittivo", help="l'attributo che descrive un bene, es. specie")
        parser.add_argument("--categorie", help="codici delle categorie collegate, separati da virgole")
        parser.add_argument("--colonna-id", default="id")
        parser.add_argument("--colonna-lat", default="lat")
        parser.add_argument("--colonna-lon", default="lon")
        parser.add_argument("--disattiva-assenti", action="store_true",
                            help="disattiva i beni del tipo che il file non contiene più")
        parser.add_argument("--prova", action="store_true", help="controlla e conta, senza scrivere nulla")

    def handle(self, *args, **opts):
        try:
            ente = trova_ente(opts["ente"])
            if ente is None:
                raise CommandError(f"Comune «{opts['ente'].strip()[:40]}» non trovato.")
            dati = Path(opts["file"]).read_bytes()
        except OSError as errore:
            raise CommandError(f"Il file «{opts['file']}» non si può leggere: {errore}") from errore
        except DomainError as errore:
            raise CommandError(str(errore)) from errore
        colonne = importa.Colonne(opts["colonna_id"], opts["colonna_lat"], opts["colonna_lon"])
        campi = {c: opts.get(c) for c in servizi.CAMPI_TIPO}
        categorie = opts["categorie"].split(",") if opts.get("categorie") else None
        try:
            lettura = importa.leggi(dati, opts["file"], ente, colonne)
            with transaction.atomic():
                tipo = servizi.salva_tipo(ente, opts["tipo"], categorie=categorie, **campi)
                riepilogo = importa.applica(tipo, lettura, disattiva_assenti=opts["disattiva_assenti"])
                if opts["prova"]:
                    raise _Prova
        except _Prova:
            pass
        except InvalidData as errore:
            raise CommandError(" ".join(m for ms in errore.as_dict().values() for m in ms)) from errore
        except ErroreFile as errore:
            raise CommandError(str(errore)) from errore
        prova = " (prova: nulla è stato scritto)" if opts["prova"] else ""
        self.stdout.write(
            f"{tipo.nome} → {ente.nome}: {lettura.righe} righe lette{prova}.\n"
            f"Nuovi: {riepilogo.nuovi} · aggiornati: {riepilogo.aggiornati} · invariati: {riepilogo.invariati} · "
            f"disattivati: {riepilogo.disattivati} · scartati: {len(lettura.problemi)}."
        )
        for problema in lettura.problemi:
            self.stdout.write(f"  riga {problema.riga}: {problema.motivo}")
