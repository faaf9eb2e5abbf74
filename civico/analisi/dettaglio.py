"""Drill-down: the reports behind any figure of the staff insight page, as a list or a file.

Every number on the page links here with the filters that produced it (`?ids=` for a hotspot,
`?ufficio=&gruppo=in_ritardo` for an office's overdue reports, `?settimana=` for a week…).
The filters only ever narrow the reports the person may see; a bad value is reported in words
and ignored, never a 500. Files are written by the one writer, `civico.core.tabelle`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from civico.segnalazioni import sla
from civico.segnalazioni.models import Intervento, Segnalazione
from civico.segnalazioni.workflow import APERTI, RISOLTI

MAX_IDS = 2000
MAX_RIGHE_PAGINA = 500
GRUPPI = ("aperte", "in_ritardo", "risolte_30")


@dataclass
class Richiesta:
    ids: list[int] = field(default_factory=list)
    categoria_id: int | None = None
    ufficio_id: int | None = None
    senza_ufficio: bool = False
    gruppo: str = ""
    settimana: date | None = None
    cella: str = ""
    intervento_id: int | None = None
    errori: list[str] = field(default_factory=list)

    def parametri(self) -> dict[str, str]:
        p: dict[str, str] = {}
        if self.ids:
            p["ids"] = ",".join(map(str, self.ids))
        if self.categoria_id:
            p["categoria"] = str(self.categoria_id)
        if self.senza_ufficio:
            p["ufficio"] = "nessuno"
        elif self.ufficio_id:
            p["ufficio"] = str(self.ufficio_id)
        if self.gruppo:
            p["gruppo"] = self.gruppo
        if self.settimana:
            p["settimana"] = self.settimana.isoformat()
        if self.cella:
            p["cella"] = self.cella
        if self.intervento_id:
            p["intervento"] = str(self.intervento_id)
        return p


def _intero(valore: str, nome: str, errori: list[str]) -> int | None:
    valore = (valore or "").strip()
    if not valore:
        return None
    if valore.isdigit() and len(valore) <= 12:
        return int(valore)
    errori.append(_("Valore non valido per «%(nome)s»: «%(v)s».") % {"nome": nome, "v": valore[:20]})
    return None


def leggi(parametri: Any) -> Richiesta:
    r = Richiesta()
    testo_ids = (parametri.get("ids") or "").strip()
    if testo_ids:
        parti = [p.strip() for p in testo_ids.split(",") if p.strip()]
        if len(parti) > MAX_IDS or not all(p.isdigit() and len(p) <= 12 for p in parti):
            r.errori.append(_("Elenco di segnalazioni non valido."))
        else:
            r.ids = sorted({int(p) for p in parti})
    r.categoria_id = _intero(parametri.get("categoria", ""), _("categoria"), r.errori)
    ufficio = (parametri.get("ufficio") or "").strip()
    if ufficio == "nessuno":
        r.senza_ufficio = True
    else:
        r.ufficio_id = _intero(ufficio, _("ufficio"), r.errori)
    gruppo = (parametri.get("gruppo") or "").strip()
    if gruppo in GRUPPI:
        r.gruppo = gruppo
    elif gruppo:
        r.errori.append(_("Gruppo sconosciuto: «%(g)s».") % {"g": gruppo[:20]})
    settimana = (parametri.get("settimana") or "").strip()
    if settimana:
        try:
            letta = parse_date(settimana)
        except ValueError:
            letta = None
        if letta is None or not 2000 <= letta.year <= 2100:
            r.errori.append(_("Settimana non valida: «%(v)s» (usa AAAA-MM-GG).") % {"v": settimana[:20]})
        else:
            r.settimana = letta - timedelta(days=letta.weekday())
    r.cella = (parametri.get("cella") or "").strip()[:16]
    r.intervento_id = _intero(parametri.get("intervento", ""), _("intervento"), r.errori)
    return r


def _mezzanotte(giorno: date) -> datetime:
    return timezone.make_aware(datetime.combine(giorno, time.min))


def segnalazioni(visibili: QuerySet[Segnalazione], r: Richiesta) -> QuerySet[Segnalazione]:
    """The visible reports the figure counted."""
    qs = visibili
    if r.ids:
        qs = qs.filter(pk__in=r.ids)
    if r.categoria_id:
        qs = qs.filter(categoria_id=r.categoria_id)
    if r.senza_ufficio:
        qs = qs.filter(ufficio__isnull=True)
    elif r.ufficio_id:
        qs = qs.filter(ufficio_id=r.ufficio_id)
    if r.gruppo == "aperte":
        qs = qs.filter(stato__in=APERTI)
    elif r.gruppo == "in_ritardo":
        qs = qs.filter(sla.q_in_ritardo(timezone.localdate()))
    elif r.gruppo == "risolte_30":
        qs = qs.filter(stato__in=RISOLTI, chiusa_il__gte=timezone.now() - timedelta(days=30))
    if r.settimana:
        qs = qs.filter(creata_il__gte=_mezzanotte(r.settimana),
                       creata_il__lt=_mezzanotte(r.settimana + timedelta(weeks=1)))
    if r.cella:
        qs = qs.filter(cella_h3=r.cella)
    if r.intervento_id:
        qs = qs.filter(pk__in=Intervento.segnalazioni.through.objects.filter(
            intervento_id=r.intervento_id).values("segnalazione_id"))
    return qs.select_related("categoria", "ufficio").order_by("-creata_il", "-pk")


def intestazione() -> list[str]:
    return [_("Codice"), _("Ricevuta il"), _("Stato"), _("Categoria"), _("Ufficio"), _("Indirizzo"),
            _("Latitudine"), _("Longitudine"), _("Chiusa il")]


def righe(qs: QuerySet[Segnalazione]):
    for s in qs.iterator(chunk_size=500):
        yield [
            s.codice, timezone.localtime(s.creata_il).replace(tzinfo=None), s.get_stato_display(),
            s.categoria.nome if s.categoria_id else "", s.ufficio.nome if s.ufficio_id else "", s.indirizzo,
            s.lat, s.lon, timezone.localtime(s.chiusa_il).replace(tzinfo=None) if s.chiusa_il else None,
        ]
