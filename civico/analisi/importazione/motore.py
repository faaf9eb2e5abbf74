"""The import engine shared by every source: read, check every row, then write in one transaction."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from civico.analisi import istantanee
from civico.analisi.importazione import scrittura
from civico.analisi.importazione.mappatura import Mappatura
from civico.analisi.importazione.righe import RigaImport, RigaNonValida, interpreta
from civico.enti.models import Ente
from civico.formati import tabella_csv
from civico.formati.tabella_csv import ErroreFile
from civico.segnalazioni import pregresso

# Called with (rows done, rows in all) while writing: the command draws a bar with it.
Progresso = Callable[[int, int], None]


@dataclass(frozen=True)
class Problema:
    riga: int  # line of the file (the header is line 1)
    motivo: str


@dataclass
class Riepilogo:
    """What an import did. `righe` = importate + aggiornate + invariate + len(scartate)."""

    origine: str
    ente: str
    righe: int = 0
    importate: int = 0
    aggiornate: int = 0
    invariate: int = 0
    scartate: list[Problema] = field(default_factory=list)
    avvisi: list[Problema] = field(default_factory=list)
    categorie_create: list[str] = field(default_factory=list)
    senza_posizione: int = 0
    pregresse: int = 0  # open, older than the ente's chosen age: marked as inherited backlog
    codifica: str = ""
    separatore: str = ""
    prova: bool = False
    giorni_pregresso: int = 0
    secondi: float = 0.0

    def scarta(self, riga: int, motivo: str) -> None:
        self.scartate.append(Problema(riga, motivo))

    def testo(self, *, max_righe: int = 50) -> str:
        """The summary printed by the command, in the active language."""
        righe = [
            (_("Prova: nulla è stato scritto. ") if self.prova else "")
            + _("%(origine)s → %(ente)s: %(righe)d righe lette in %(s).1f s (codifica %(cod)s, separatore %(sep)s).")
            % {"origine": self.origine, "ente": self.ente, "righe": self.righe, "s": self.secondi,
               "cod": self.codifica, "sep": tabella_csv.nome_separatore(self.separatore)},
            _("Importate: %(n)d · aggiornate: %(a)d · invariate: %(i)d · scartate: %(s)d.")
            % {"n": self.importate, "a": self.aggiornate, "i": self.invariate, "s": len(self.scartate)},
        ]
        if self.senza_posizione:
            righe.append(ngettext(
                "%(n)d segnalazione senza posizione: visibile negli elenchi, non sulle mappe.",
                "%(n)d segnalazioni senza posizione: visibili negli elenchi, non sulle mappe.",
                self.senza_posizione) % {"n": self.senza_posizione})
        if self.pregresse:
            righe.append(ngettext(
                "%(n)d segnalazione aperta più vecchia di %(g)d giorni segnata come arretrato ereditato.",
                "%(n)d segnalazioni aperte più vecchie di %(g)d giorni segnate come arretrato ereditato.",
                self.pregresse) % {"n": self.pregresse, "g": self.giorni_pregresso})
        if self.categorie_create:
            righe.append(_("Categorie create (non attive: attivale dalla configurazione se servono): %(c)s.")
                         % {"c": ", ".join(self.categorie_create)})
        for titolo, problemi in ((_("Scartate"), self.scartate), (_("Avvisi"), self.avvisi)):
            if problemi:
                righe.append(f"{titolo}:")
                righe += [_("  riga %(r)d: %(m)s") % {"r": p.riga, "m": p.motivo} for p in problemi[:max_righe]]
                if len(problemi) > max_righe:
                    righe.append(_("  … e altre %(n)d.") % {"n": len(problemi) - max_righe})
        return "\n".join(righe)


def importa(
    percorso: str | Path,
    ente: Ente,
    mappatura: Mappatura,
    *,
    progresso: Progresso | None = None,
    prova: bool = False,
    separatore: str | None = None,
    codifica: str | None = None,
    adesso: datetime | None = None,
) -> Riepilogo:
    """Import the CSV at `percorso` into `ente`. A file-level problem raises `ErroreFile` and
    writes nothing; row-level problems are in the summary. `prova` checks and counts, then rolls
    back. Re-importing the same file changes nothing; a newer export updates what changed."""
    inizio = time.perf_counter()
    adesso = adesso or timezone.now()
    separatore = separatore or mappatura.separatore
    letto = tabella_csv.leggi(
        percorso, separatore=separatore, codifica=codifica or mappatura.codifica,
        richieste=[mappatura.colonne[c] for c in mappatura.colonne],
    )
    r = Riepilogo(origine=mappatura.origine, ente=ente.nome, codifica=letto.codifica,
                  separatore=letto.separatore, prova=prova)
    r.righe = len(letto.righe) + len(letto.illeggibili)
    for riga, motivo in letto.illeggibili:
        r.scarta(riga, motivo)
    r.avvisi += [Problema(n, _("riga in codifica cp1252, non UTF-8: letta come cp1252")) for n in letto.altra_codifica]
    valide = _righe_valide(letto.righe, mappatura, ZoneInfo(ente.fuso_orario), adesso, r)
    try:
        with transaction.atomic():
            scrittura.scrivi(ente, mappatura, valide, r, adesso=adesso, progresso=progresso)
            # Old open reports from the previous platform are its backlog, not Civico's delays.
            r.pregresse, r.giorni_pregresso = pregresso.segna(ente, adesso), ente.pregresso_giorni
            if prova:
                transaction.set_rollback(True)
            elif r.importate or r.aggiornate:
                # The history changed: the stored dashboards of this comune no longer add up.
                transaction.on_commit(lambda: istantanee.dimentica_ente(ente))
    except IntegrityError as errore:
        raise ErroreFile(
            _("Un'altra importazione nello stesso comune ha scritto le stesse segnalazioni: "
              "nulla è stato importato, riprova.")
        ) from errore
    r.scartate.sort(key=lambda p: p.riga)
    r.avvisi.sort(key=lambda p: p.riga)
    r.secondi = time.perf_counter() - inizio
    return r


def _righe_valide(righe: list[tabella_csv.RigaLetta], m: Mappatura, fuso: ZoneInfo, adesso: datetime,
                  r: Riepilogo) -> list[RigaImport]:
    valide: list[RigaImport] = []
    prima_riga: dict[str, int] = {}
    for riga in righe:
        try:
            ri = interpreta(riga, m, fuso, adesso)
        except RigaNonValida as errore:
            r.scarta(riga.numero, str(errore))
            continue
        if ri.id_origine in prima_riga:
            r.scarta(riga.numero, _("identificativo %(id)s già presente alla riga %(r)d")
                     % {"id": ri.id_origine, "r": prima_riga[ri.id_origine]})
            continue
        prima_riga[ri.id_origine] = riga.numero
        r.avvisi += [Problema(riga.numero, a) for a in ri.avvisi]
        valide.append(ri)
    return valide
