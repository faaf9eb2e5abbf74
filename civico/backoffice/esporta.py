"""The inbox's filtered list as CSV or XLSX.

The reporter's contacts are exported only to those who may see them (`puo_vedere_contatti`,
checked per report). Texts typed by citizens never become spreadsheet formulas.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from civico.accounts.models import Utente
from civico.accounts.permissions import puo_vedere_contatti
from civico.backoffice.azioni import nome_persona
from civico.segnalazioni.models import Segnalazione

_INIZI_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def intestazioni(con_contatti: bool) -> list[str]:
    colonne = [
        _("Codice"), _("Stato"), _("Categoria"), _("Ufficio"), _("Priorità"), _("Canale"), _("Titolo"),
        _("Indirizzo"), _("Latitudine"), _("Longitudine"), _("Ricevuta il"), _("Aggiornata il"),
        _("Scadenza"), _("Operatore assegnato"),
    ]
    if con_contatti:
        colonne += [_("Nome del segnalante"), _("E-mail del segnalante"), _("Telefono del segnalante")]
    return colonne


def righe(qs: QuerySet[Segnalazione], utente: Utente, con_contatti: bool) -> Iterator[list]:
    for s in qs.iterator(chunk_size=2000):
        riga = [
            s.codice, s.get_stato_display(), s.categoria.nome, s.ufficio.nome if s.ufficio else "",
            s.get_priorita_display(), s.get_canale_display(), s.titolo, s.indirizzo, s.lat, s.lon,
            _locale(s.creata_il), _locale(s.aggiornata_il), s.scadenza, nome_persona(s.assegnatario),
        ]
        if con_contatti:
            visibili = puo_vedere_contatti(utente, s)
            riga += [s.segnalante_nome, s.segnalante_email, s.segnalante_telefono] if visibili else ["", "", ""]
        yield riga


def _locale(quando: datetime) -> datetime:
    return timezone.localtime(quando).replace(tzinfo=None, microsecond=0)


def _testo_sicuro(valore: str) -> str:
    # A leading =, +, - or @ would make a spreadsheet run the cell as a formula (CSV injection).
    return "'" + valore if valore.startswith(_INIZI_FORMULA) else valore


class _Eco:
    def write(self, valore: str) -> str:
        return valore


def csv_righe(intestazione: list[str], dati: Iterable[list]) -> Iterator[str]:
    """CSV lines for a streaming response; a BOM first so Excel reads the accents right."""
    scrittore = csv.writer(_Eco(), delimiter=";")
    yield "\ufeff" + scrittore.writerow(intestazione)
    for riga in dati:
        yield scrittore.writerow([_cella_csv(v) for v in riga])


def _cella_csv(valore: object) -> object:
    if valore is None:
        return ""
    if isinstance(valore, str):
        return _testo_sicuro(valore)
    if isinstance(valore, datetime):
        return valore.isoformat(sep=" ")
    return valore


def xlsx(intestazione: list[str], dati: Iterable[list]) -> bytes:
    libro = Workbook(write_only=True)
    foglio = libro.create_sheet(_("Segnalazioni"))
    foglio.append(intestazione)
    for riga in dati:
        celle = []
        for valore in riga:
            cella = WriteOnlyCell(foglio, value=valore)
            if isinstance(valore, str):
                cella.data_type = "s"  # text stays text, even "=SUM(…)"
            elif isinstance(valore, datetime):
                cella.number_format = "yyyy-mm-dd hh:mm"
            celle.append(cella)
        foglio.append(celle)
    uscita = io.BytesIO()
    libro.save(uscita)
    return uscita.getvalue()
