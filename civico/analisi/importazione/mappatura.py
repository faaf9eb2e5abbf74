"""The column mapping: which column of the other platform's CSV holds which of our fields, and
how its states and channels translate to ours. Municipium's is built in (municipium.py); any
other platform's is a JSON or TOML file (docs/import.md, docs/mappa-import-esempio.toml).
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from civico.formati.tabella_csv import ErroreFile
from civico.segnalazioni.models import Canale
from civico.stati import Stato

CAMPI = ("id_origine", "stato", "creata_il", "chiusa_il", "categoria", "titolo", "descrizione",
         "lat", "lon", "indirizzo", "canale")
OBBLIGATORI = ("id_origine", "stato", "creata_il")
# DUPLICATE needs the original report and REOPENED a previous closing: neither comes from a CSV row.
NON_IMPORTABILI = frozenset({Stato.DUPLICATE, Stato.REOPENED})
STATI_IMPORTABILI = tuple(s for s in Stato if s not in NON_IMPORTABILI)
_ORIGINE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,29}$")
CHIAVI = {"origine", "colonne", "stati", "separatore", "codifica", "formati_data", "categoria_vuota",
          "canali", "canale_predefinito", "stati_non_pubblici", "ora_predefinita"}


class ErroreMappatura(ErroreFile):
    code = "mappatura_non_valida"


def chiave(valore: str) -> str:
    """States and channels are matched without regard to case or surrounding spaces."""
    return " ".join(valore.split()).lower()


@dataclass(frozen=True)
class Mappatura:
    origine: str  # stored in Segnalazione.origine: re-imports of the same origin update
    colonne: dict[str, str]  # our field → their column (lowercase)
    stati: dict[str, str]  # their state (see `chiave`) → our state
    separatore: str = ";"
    codifica: str = "auto"
    formati_data: tuple[str, ...] = ()  # strptime formats; empty = ISO 8601 and dd/mm/yyyy [HH:MM[:SS]]
    categoria_vuota: str = "Altro"
    canali: dict[str, str] = field(default_factory=dict)  # their channel → ours
    canale_predefinito: str = Canale.WEB
    stati_non_pubblici: frozenset[str] = frozenset()  # their states kept off the public pages
    ora_predefinita: time = time(12)  # for dates without a time: noon keeps the day in any zone

    def colonna(self, campo: str) -> str | None:
        return self.colonne.get(campo)


def carica(percorso: str | Path) -> Mappatura:
    """A mapping from a .json or .toml file; a clear `ErroreMappatura` if it is not valid."""
    percorso = Path(percorso)
    if percorso.suffix.lower() not in (".json", ".toml"):
        raise ErroreMappatura(_("Il file di mappatura deve essere .json o .toml."))
    try:
        testo = percorso.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as errore:
        raise ErroreMappatura(_("Il file di mappatura «%(file)s» non si può leggere: %(e)s.")
                              % {"file": percorso, "e": errore}) from errore
    try:
        dati = tomllib.loads(testo) if percorso.suffix.lower() == ".toml" else json.loads(testo)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as errore:
        raise ErroreMappatura(_("Il file di mappatura non è valido: %(e)s.") % {"e": errore}) from errore
    return da_dati(dati)


def da_dati(dati: Any) -> Mappatura:
    """Check a mapping read from JSON/TOML and build it; every mistake is named."""
    if not isinstance(dati, dict):
        raise ErroreMappatura(_("La mappatura deve essere un oggetto con le chiavi «origine», «colonne» e «stati»."))
    errori: list[str] = []
    sconosciute = sorted(set(dati) - CHIAVI)
    if sconosciute:
        errori.append(_("chiavi sconosciute: %(k)s") % {"k": ", ".join(sconosciute)})
    origine = str(dati.get("origine", "")).strip().lower()
    if not _ORIGINE.match(origine):
        errori.append(_("«origine» è obbligatoria: lettere minuscole, cifre, - o _, al massimo 30 caratteri"))
    colonne = _dizionario(dati, "colonne", errori)
    colonne = {k: str(v).strip().lower() for k, v in colonne.items() if str(v).strip()}
    for campo in sorted(set(colonne) - set(CAMPI)):
        errori.append(_("campo sconosciuto in «colonne»: %(c)s (ammessi: %(a)s)") % {"c": campo, "a": ", ".join(CAMPI)})
    for campo in OBBLIGATORI:
        if campo not in colonne:
            errori.append(_("in «colonne» manca «%(c)s»") % {"c": campo})
    if ("lat" in colonne) != ("lon" in colonne):
        errori.append(_("in «colonne» servono sia «lat» sia «lon»"))
    stati = {chiave(str(k)): str(v).strip() for k, v in _dizionario(dati, "stati", errori).items()}
    if not stati:
        errori.append(_("«stati» deve elencare almeno uno stato"))
    for loro, nostro in stati.items():
        if nostro not in STATI_IMPORTABILI:
            errori.append(_("lo stato «%(loro)s» va in «%(nostro)s», che non è uno stato importabile (ammessi: %(a)s)")
                          % {"loro": loro, "nostro": nostro, "a": ", ".join(STATI_IMPORTABILI)})
    canali = {chiave(str(k)): str(v).strip() for k, v in _dizionario(dati, "canali", errori).items()}
    canale_predefinito = str(dati.get("canale_predefinito", Canale.WEB)).strip()
    for nostro in [*canali.values(), canale_predefinito]:
        if nostro not in Canale.values:
            errori.append(_("canale sconosciuto «%(c)s» (ammessi: %(a)s)")
                          % {"c": nostro, "a": ", ".join(Canale.values)})
    separatore = str(dati.get("separatore", ";"))
    if separatore in ("\\t", "tab"):
        separatore = "\t"
    if len(separatore) != 1 or separatore in "\"\r\n":
        errori.append(_("«separatore» deve essere un solo carattere"))
    formati = dati.get("formati_data", [])
    if isinstance(formati, str):
        formati = [formati]
    if not isinstance(formati, list) or not all(isinstance(f, str) and "%" in f for f in formati):
        errori.append(_("«formati_data» deve essere un elenco di formati come \"%d/%m/%Y %H:%M\""))
        formati = []
    ora = _ora(dati.get("ora_predefinita", "12:00"), errori)
    non_pubblici = dati.get("stati_non_pubblici", [])
    if not isinstance(non_pubblici, list):
        errori.append(_("«stati_non_pubblici» deve essere un elenco di stati"))
        non_pubblici = []
    for stato in non_pubblici:
        if chiave(str(stato)) not in stati:
            errori.append(_("«stati_non_pubblici» cita «%(s)s», che non è in «stati»") % {"s": stato})
    categoria_vuota = str(dati.get("categoria_vuota", "Altro")).strip()
    if not categoria_vuota or len(categoria_vuota) > 120:
        errori.append(_("«categoria_vuota» deve essere un nome di categoria (al massimo 120 caratteri)"))
    if errori:
        raise ErroreMappatura(_("La mappatura non è valida: %(errori)s.") % {"errori": "; ".join(errori)})
    return Mappatura(
        origine=origine, colonne=colonne, stati=stati, separatore=separatore,
        codifica=str(dati.get("codifica", "auto")), formati_data=tuple(formati),
        categoria_vuota=categoria_vuota, canali=canali, canale_predefinito=canale_predefinito,
        stati_non_pubblici=frozenset(chiave(str(s)) for s in non_pubblici), ora_predefinita=ora,
    )


def _dizionario(dati: dict, nome: str, errori: list[str]) -> dict:
    valore = dati.get(nome, {})
    if not isinstance(valore, dict):
        errori.append(_("«%(n)s» deve essere una tabella chiave → valore") % {"n": nome})
        return {}
    return valore


def _ora(valore: Any, errori: list[str]) -> time:
    try:
        return time.fromisoformat(str(valore))
    except ValueError:
        errori.append(_("«ora_predefinita» deve essere un'ora come \"12:00\""))
        return time(12)
