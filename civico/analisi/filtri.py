"""The dashboard's filters: a period (from–to, whole days in the comune's time) and a category.

Read from a query string by the pages and the API alike. Bad input never fails a page: the
problem is reported in Italian and the default (the last twelve months) is used instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

MESI_PREDEFINITI = 12
MAX_ANNI = 15
MAX_CODICE = 60


@dataclass(frozen=True)
class Filtri:
    dal: date
    al: date
    categoria: str = ""  # a category code (the same code across comuni on the platform page)
    errori: tuple[str, ...] = field(default=(), compare=False)

    @property
    def inizio(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.dal, time.min))

    @property
    def fine(self) -> datetime:
        """Exclusive end: the midnight after `al`."""
        return timezone.make_aware(datetime.combine(self.al + timedelta(days=1), time.min))

    def chiave(self) -> str:
        return f"{self.dal.isoformat()}|{self.al.isoformat()}|{self.categoria}"

    def parametri(self) -> dict[str, str]:
        p = {"dal": self.dal.isoformat(), "al": self.al.isoformat()}
        if self.categoria:
            p["categoria"] = self.categoria
        return p

    def come_dict(self) -> dict[str, Any]:
        return {"dal": self.dal.isoformat(), "al": self.al.isoformat(), "categoria": self.categoria or None}


def oggi() -> date:
    return timezone.localdate()


def predefiniti(giorno: date | None = None) -> Filtri:
    """The last twelve months: from the first day of the month eleven months ago to today."""
    giorno = giorno or oggi()
    mese = giorno.year * 12 + giorno.month - 1 - (MESI_PREDEFINITI - 1)
    return Filtri(dal=date(mese // 12, mese % 12 + 1, 1), al=giorno)


def leggi(parametri: Any, *, categorie: set[str] | None = None) -> Filtri:
    """Filters from GET-like parameters (`dal`, `al`, `categoria`, or `anno`)."""
    base = predefiniti()
    errori: list[str] = []
    dal, al = base.dal, base.al
    anno = (parametri.get("anno") or "").strip()
    if anno:
        if anno.isdigit() and 2000 <= int(anno) <= base.al.year:
            dal, al = date(int(anno), 1, 1), min(date(int(anno), 12, 31), base.al)
        else:
            errori.append(_("Anno non valido: «%(anno)s».") % {"anno": anno[:10]})
    letto_dal = _data(parametri.get("dal"), _("inizio"), errori)
    letto_al = _data(parametri.get("al"), _("fine"), errori)
    dal = letto_dal or dal
    al = letto_al or al
    if dal > al:
        errori.append(_("La data di inizio è successiva alla data di fine: uso il periodo predefinito."))
        dal, al = base.dal, base.al
    elif (al - dal).days > MAX_ANNI * 366:
        errori.append(_("Il periodo è troppo lungo (al massimo %(n)s anni).") % {"n": MAX_ANNI})
        dal, al = base.dal, base.al
    categoria = (parametri.get("categoria") or "").strip()[:MAX_CODICE]
    if categoria and categorie is not None and categoria not in categorie:
        errori.append(_("Categoria sconosciuta: «%(c)s».") % {"c": categoria})
        categoria = ""
    return Filtri(dal=dal, al=al, categoria=categoria, errori=tuple(errori))


def _data(valore: Any, nome: str, errori: list[str]) -> date | None:
    testo = (str(valore) if valore is not None else "").strip()
    if not testo:
        return None
    try:
        letta = parse_date(testo) if len(testo) != 7 else parse_date(testo + "-01")
    except ValueError:
        letta = None
    if letta is None or letta.year < 2000 or letta.year > 2100:
        errori.append(_("Data di %(nome)s non valida: «%(v)s» (usa AAAA-MM-GG).") % {"nome": nome, "v": testo[:20]})
        return None
    return letta
