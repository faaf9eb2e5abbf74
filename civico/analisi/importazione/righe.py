"""Checking one row of the export: what it says in our terms, or why it cannot be imported.

No database access here: the whole file is checked before the first write.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from civico.analisi.importazione.mappatura import Mappatura, chiave
from civico.formati.tabella_csv import RigaLetta
from civico.moderazione import cancello
from civico.segnalazioni.models import Canale
from civico.segnalazioni.workflow import APERTI, RISOLTI
from civico.testo import MAX_DESCRIZIONE, MAX_TITOLO, valida_testo

FORMATI_ITALIANI = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y")
MAX_ID = 64
_CANALI = frozenset(Canale.values)


class RigaNonValida(Exception):
    """Why a row is skipped (already translated: it goes straight to the summary)."""


@dataclass
class RigaImport:
    riga: int
    id_origine: str
    stato: str  # ours
    stato_origine: str
    creata_il: datetime
    chiusa_il: datetime | None
    categoria: str  # its name, "Altro" (or the mapping's) when empty
    titolo: str
    descrizione: str
    lat: float | None
    lon: float | None
    indirizzo: str
    canale: str
    canale_origine: str
    pubblica: bool
    avvisi: list[str] = field(default_factory=list)


def interpreta(riga: RigaLetta, m: Mappatura, fuso: ZoneInfo, adesso: datetime) -> RigaImport:
    """The row in our terms, or `RigaNonValida` with the reason."""

    def val(campo: str) -> str:
        colonna = m.colonna(campo)
        return riga.valori.get(colonna, "") if colonna else ""

    avvisi: list[str] = []
    id_origine = val("id_origine")
    if not id_origine:
        raise RigaNonValida(_("manca l'identificativo"))
    if len(id_origine) > MAX_ID:
        raise RigaNonValida(_("identificativo troppo lungo (più di %(n)d caratteri)") % {"n": MAX_ID})
    stato_origine = chiave(val("stato"))
    if not stato_origine:
        raise RigaNonValida(_("manca lo stato"))
    stato = m.stati.get(stato_origine)
    if stato is None:
        raise RigaNonValida(_("stato sconosciuto «%(s)s» (noti: %(noti)s)")
                            % {"s": val("stato")[:40], "noti": ", ".join(m.stati)})
    creata_il = _data(val("creata_il"), m, fuso, _("creazione"))
    if creata_il is None:
        raise RigaNonValida(_("manca la data di creazione"))
    if creata_il > adesso + timedelta(days=1):
        raise RigaNonValida(_("la data di creazione %(d)s è nel futuro") % {"d": val("creata_il")})
    chiusa_il = _data(val("chiusa_il"), m, fuso, _("chiusura"))
    if chiusa_il is not None:
        if chiusa_il < creata_il:
            raise RigaNonValida(_("la data di chiusura %(c)s è precedente a quella di creazione %(a)s")
                                % {"c": val("chiusa_il"), "a": val("creata_il")})
        if chiusa_il > adesso + timedelta(days=1):
            raise RigaNonValida(_("la data di chiusura %(d)s è nel futuro") % {"d": val("chiusa_il")})
        if stato in APERTI:
            avvisi.append(_("data di chiusura ignorata: lo stato «%(s)s» è aperto") % {"s": val("stato")})
            chiusa_il = None
    elif stato in RISOLTI:
        avvisi.append(_("manca la data di chiusura: il cambio di stato è datato alla creazione"))

    errori: dict[str, list] = {}
    categoria = valida_testo(val("categoria"), "categoria", 120, errori) or m.categoria_vuota
    titolo = valida_testo(val("titolo"), "titolo", MAX_TITOLO, errori) or categoria[:MAX_TITOLO]
    descrizione = valida_testo(val("descrizione"), "descrizione", MAX_DESCRIZIONE, errori)
    indirizzo = valida_testo(val("indirizzo"), "indirizzo", 250, errori)
    if errori:
        campo, messaggi = next(iter(errori.items()))
        raise RigaNonValida(f"{campo}: {messaggi[0]}")
    # Another platform's citizens typed these: through the masking gate like every intake (the
    # words as typed stay in the imported file, which the comune keeps).
    pubblici = cancello.maschera_campi(titolo=titolo, descrizione=descrizione, indirizzo=indirizzo).testi
    titolo, descrizione, indirizzo = pubblici["titolo"], pubblici["descrizione"], pubblici["indirizzo"]
    lat, lon = _posizione(val("lat"), val("lon"), avvisi)
    canale_origine = val("canale")
    canale = m.canali.get(chiave(canale_origine)) or (
        chiave(canale_origine) if chiave(canale_origine) in _CANALI else m.canale_predefinito
    )
    return RigaImport(
        riga=riga.numero, id_origine=id_origine, stato=stato, stato_origine=stato_origine,
        creata_il=creata_il, chiusa_il=chiusa_il, categoria=categoria, titolo=titolo,
        descrizione=descrizione, lat=lat, lon=lon, indirizzo=indirizzo, canale=canale,
        canale_origine=canale_origine[:60], pubblica=stato_origine not in m.stati_non_pubblici, avvisi=avvisi,
    )


def _data(testo: str, m: Mappatura, fuso: ZoneInfo, nome: str) -> datetime | None:
    """A date or date-time in the ente's time zone; a date alone means the mapping's hour."""
    testo = testo.strip()
    if not testo:
        return None
    for formato in m.formati_data or ():
        try:
            return _nel_fuso(datetime.strptime(testo, formato), formato, m, fuso)
        except ValueError:
            continue
    if not m.formati_data:
        if len(testo) == 10 and testo[4] == "-":
            try:
                return datetime.combine(date.fromisoformat(testo), m.ora_predefinita, tzinfo=fuso)
            except ValueError:
                pass
        else:
            try:
                valore = datetime.fromisoformat(testo)
                return valore if valore.tzinfo else valore.replace(tzinfo=fuso)
            except ValueError:
                pass
        for formato in FORMATI_ITALIANI:
            try:
                return _nel_fuso(datetime.strptime(testo, formato), formato, m, fuso)
            except ValueError:
                continue
    raise RigaNonValida(_("data di %(nome)s non valida «%(d)s»") % {"nome": nome, "d": testo[:40]})


def _nel_fuso(valore: datetime, formato: str, m: Mappatura, fuso: ZoneInfo) -> datetime:
    if "%H" not in formato and "%I" not in formato:
        valore = datetime.combine(valore.date(), m.ora_predefinita)
    return valore if valore.tzinfo else valore.replace(tzinfo=fuso)


def _posizione(lat: str, lon: str, avvisi: list[str]) -> tuple[float | None, float | None]:
    """Coordinates in WGS84, decimal point or comma; a row with a wrong position is imported
    without one (and said so), not lost."""
    if not lat and not lon:
        return None, None
    try:
        y, x = float(lat.replace(",", ".")), float(lon.replace(",", "."))
    except ValueError:
        avvisi.append(_("coordinate non valide «%(lat)s», «%(lon)s»: importata senza posizione")
                      % {"lat": lat[:20], "lon": lon[:20]})
        return None, None
    if not (math.isfinite(y) and math.isfinite(x) and -90 <= y <= 90 and -180 <= x <= 180) or (y == 0 and x == 0):
        avvisi.append(_("coordinate fuori scala «%(lat)s», «%(lon)s»: importata senza posizione")
                      % {"lat": lat[:20], "lon": lon[:20]})
        return None, None
    return y, x

