"""The inbox's filtered list as CSV or XLSX.

The reporter's contacts are exported only to those who may see them (`puo_vedere_contatti`,
checked per report). The files are written by `civico.core.tabelle`, so texts typed by citizens
never become spreadsheet formulas.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from civico.accounts.models import Utente
from civico.accounts.permissions import puo_vedere_contatti
from civico.backoffice.azioni import nome_persona
from civico.segnalazioni.models import Segnalazione


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
